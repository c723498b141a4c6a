export {
  type CommonEnvironment,
  commonEnvShape,
  EnvironmentError,
  parseEnvironment,
  type WorkerSettings,
  workerEnvShape,
  workerOptionsFrom,
} from './env.ts';
export { createLogger } from './logger.ts';
export {
  createProcessEngine,
  createRuntime,
  type Runtime,
  type RuntimeOptions,
  UnknownConnectorIdError,
  type WorkerOptions,
} from './runtime.ts';
export { openSecretBox, readSecretKey, SecretKeyMissingError, type SecretKeySettings } from './secret-key.ts';
export { exitOnShutdownSignals } from './shutdown.ts';
