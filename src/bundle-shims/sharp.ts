// Stands in for sharp in the bundles: transformers.js loads it at start-up for image inputs, which
// this product never reads, and the real package would ship libvips (~20 MB) for each platform.
// Truthy so transformers.js' start-up check passes; calling it says why it is absent.
export default function sharp(): never {
  throw new Error('image inputs are not supported: sharp is not bundled');
}
