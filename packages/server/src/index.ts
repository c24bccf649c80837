export { loadConfig, parseServices, ConfigError, SERVICE_NAMES } from './config';
export type { SluiceConfig, SluiceSecrets, ServiceName, LogLevel } from './config';
export { openDatabase, migrateDatabase, MIGRATIONS_DIRECTORY } from './database';
export type { Database } from './database';
export { startSluice } from './sluice';
export type { SluiceInstance, ListenerName, StartOptions } from './sluice';
export { createLogger } from './logger';
export type { Logger } from './logger';
