export { loadWorkerEnvironment, type WorkerEnvironment } from './env.ts';
export { type RunningWorker, startWorker, UnknownConnectorIdError } from './worker.ts';
