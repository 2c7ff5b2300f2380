// Steering's strength scale, shared by the experiments, the served endpoint, the extension's
// steering control and the sidebar: α is a fraction of the mean residual norm at the layer (the
// research's convention), and beyond this the text turns into nonsense.
export const ALPHA_LIMIT = 0.2;
