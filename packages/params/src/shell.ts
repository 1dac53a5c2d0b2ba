// One implementation of Python's shlex.quote for the whole project; it lives in @mlproject/spec
// (which needs it for the `.py` / `.sh` entry-point fallback) and is re-exported here.
export { shellQuote } from '@mlproject/spec';
