export { ParamsError, type ParamsErrorCode } from './errors.js';
export { parseParamArgs } from './args.js';
export { floatRepr, pythonRepr, pythonStr, strRepr } from './python-str.js';
export { shellQuote } from './shell.js';
export { localPathOrNull, unquote, urlsplit } from './url.js';
export { EXTRA_PARAM_NAME, computeParameters, type ComputeParametersOptions, type ComputedParameters } from './parameters.js';
export { formatTemplate } from './format.js';
export { computeCommand, paramsToLog, type ComputeCommandOptions } from './command.js';
