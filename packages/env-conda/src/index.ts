export { condaBackend, condaEnvName, condaKey, createCondaBackend, frozenKey, type CondaBackendOptions } from './backend.js';
export { buildCondaEnv, type CondaBuild, type CondaSource } from './build.js';
export { frozenPlan, lockPackageLines, type FrozenPlan } from './frozen.js';
export { CHANNEL_ALIAS, DEFAULT_CHANNELS, channelUrls, condaSubdir, splitDependencies } from './channels.js';
export { condaChildEnv } from './child-env.js';
export { isCondaDeclaration, type CondaEnvDeclaration } from './declaration.js';
export {
  RATTLER_VERSION,
  describeEngine,
  engineKind,
  engineMode,
  findEngine,
  type CondaEngine,
  type EngineMode,
  type NativeEngine,
  type RattlerEngine,
} from './engine.js';
export { LOCK_FILE, formatExplicitLock, readInstalled, writeLock, type InstalledPackage } from './lock.js';
export { nativeCreateArgs } from './native.js';
export { absolutizePipLine } from './pip.js';
export { RATTLER_SCRIPT, rattlerError } from './rattler.js';
