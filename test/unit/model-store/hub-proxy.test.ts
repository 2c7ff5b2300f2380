// Which proxy a hub request goes through: the scheme's variable (either case), minus NO_PROXY.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { proxyFor, proxyLabel } from '../../../src/model-store/hub-proxy';

const hub = new URL('https://huggingface.co/org/model/resolve/main/config.json');
const mirror = new URL('http://mirror.internal:8080/org/model/resolve/main/config.json');

test('each scheme takes its own variable, lower case first, a bare host:port read as http', () => {
  assert.equal(proxyFor(hub, { HTTPS_PROXY: 'http://proxy:3128' })?.href, 'http://proxy:3128/');
  assert.equal(
    proxyFor(hub, { https_proxy: 'http://lower:1', HTTPS_PROXY: 'http://upper:2' })?.href,
    'http://lower:1/',
  );
  assert.equal(proxyFor(hub, { HTTP_PROXY: 'http://proxy:3128' }), undefined);
  assert.equal(proxyFor(mirror, { HTTP_PROXY: 'proxy.corp:3128' })?.href, 'http://proxy.corp:3128/');
  assert.equal(proxyFor(hub, {}), undefined);
});

test('NO_PROXY skips listed hosts, their subdomains, a port, or everything', () => {
  const env = { HTTPS_PROXY: 'http://proxy:3128', HTTP_PROXY: 'http://proxy:3128' };
  assert.equal(proxyFor(hub, { ...env, NO_PROXY: 'huggingface.co' }), undefined);
  assert.equal(proxyFor(hub, { ...env, no_proxy: 'localhost, .huggingface.co' }), undefined);
  assert.equal(proxyFor(hub, { ...env, NO_PROXY: '*' }), undefined);
  assert.equal(proxyFor(mirror, { ...env, NO_PROXY: 'mirror.internal:8080' }), undefined);
  assert.ok(proxyFor(mirror, { ...env, NO_PROXY: 'mirror.internal:9090' }));
  assert.ok(proxyFor(hub, { ...env, NO_PROXY: 'face.co,hf.co' }), 'a suffix that is not a subdomain does not match');
});

test('messages name the proxy without its credentials', () => {
  assert.equal(proxyLabel(new URL('http://ann:s3cret@proxy.corp:3128')), 'http://proxy.corp:3128');
});
