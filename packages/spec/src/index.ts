export type { EntryPoint, EnvSpec, Parameter, Project, PythonEnv } from './types.js';
export { SpecError, type SpecErrorCode, type SpecErrorOptions } from './errors.js';
export { PYTHON_TYPE, PyFloat, PyTimestamp, type PyTimestampFields, describeValue, pyTruthy } from './values.js';
export { parseYaml } from './yaml11.js';
export { parseProject, type ParseProjectOptions } from './project.js';
export { getEntryPoint } from './entry-point.js';
export { parsePythonEnv, readPythonEnv } from './python-env.js';
export { findProjectFile, loadProject, readText } from './read.js';
export { shellQuote, strRepr } from './python-text.js';
