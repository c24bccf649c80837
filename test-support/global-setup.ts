// Filled in by the foundation work: prepares the migrated template database once per jest run.
export default async function globalSetup(): Promise<void> {}
