/** Where a flag stands after the user has (or has not) acted on it. */
export type FlagStatus = 'open' | 'dismissed' | 'legitimate' | 'reverted';
