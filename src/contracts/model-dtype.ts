/** Weight variants a hub repo may carry (file names follow transformers.js' conventions). */
export type ModelDtype = 'fp32' | 'fp16' | 'q8' | 'q4';
