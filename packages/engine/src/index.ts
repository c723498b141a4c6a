export {
  createEngine,
  type Engine,
  type EngineDeps,
  type EngineEvents,
  type QueueRunOptions,
  type RunTrigger,
} from './engine.ts';
export { EngineError, type EngineErrorCode, NotFoundError, UndoRefusedError } from './errors.ts';
export { type ExecuteRunOptions, INCREMENTAL_OVERLAP_MS } from './run/execute.ts';
