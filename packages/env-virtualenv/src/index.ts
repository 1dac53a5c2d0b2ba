export { createVirtualenvBackend, frozenKey, virtualenvBackend, virtualenvKey, type VirtualenvBackendOptions } from './backend.js';
export { LOCK_FILE, venvPython } from './build.js';
export { venvChildEnv } from './child-env.js';
export { clearInterpreterCache, findInterpreter, interpreterCandidates, probeInterpreter, type Candidate, type Interpreter } from './interpreter.js';
export { newestFirst, plausible, versionMatches, versionParts } from './python-version.js';
export { absolutize, localPaths, logicalLines, parseReference, readRequirementFiles, type FileReference, type RequirementFile } from './requirements.js';
export { UV_VERSION, describeTool, resolveTool, toolEnv, type Tool, type ToolMode } from './tool.js';
export { canonicalName, diffLocks, lockEntries, type LockEntry } from './lock-text.js';
export { relocateVenv } from './relocate.js';
