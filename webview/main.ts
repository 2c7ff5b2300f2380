// Sidebar webview entry (browser bundle).
document.body.dataset.ready = 'true';
