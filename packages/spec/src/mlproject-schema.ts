// The structure of an MLproject file as valibot schemas over PyYAML-typed values. MLflow itself
// validates almost nothing ("TODO: Validate structure"); where it would crash with a raw Python error
// (AttributeError, TypeError) these schemas give a clean message instead, and where it raises its own
// ExecutionException (docker_env) they use its wording verbatim.
import * as v from 'valibot';
import { pyTruthy } from './values.js';
import { expected, mapping, mlflowMessage, namedMapping, orDefault } from './validate.js';

// YAML 1.1 reads `on:`, `yes:`, `1:` as a boolean or number key; MLflow would crash on them later.
const QUOTE_NAMES = '(a string; quote names such as yes, no, on, off or 1)';
const PARAM_SPEC = 'a type name such as float, or a mapping such as {type: float, default: 0.1}';

/** The mapping form of a parameter spec. `description` is documentation MLflow ignores (kept quiet, not warned about). */
const ParameterMapping = mapping(
  {
    // MLflow: yaml_obj.get("type", "string"); an explicit `type: ~` behaves like "string" too.
    type: v.pipe(
      orDefault(v.string(expected('a type name such as string, float, int, path or uri')), 'string'),
      v.metadata({
        description: 'string (default), float, int, path (made absolute; must exist if local) or uri (must have a scheme). Any other name behaves like string.',
        examples: ['string', 'float', 'int', 'path', 'uri'],
      }),
    ),
    default: v.pipe(
      v.unknown(),
      v.transform((d) => (d === undefined ? null : d)),
      v.description('The value when -P does not give one, rendered with Python str(). Without a default (or with null) the parameter is required.'),
    ),
    description: v.pipe(v.unknown(), v.description('Documentation only; MLflow ignores it.')),
  },
  PARAM_SPEC,
);

/** `name: type` or `name: {type: T, default: D}`; `type` defaults to "string", `default` to null (required). */
const ParameterSpec = v.pipe(
  v.custom<string | Map<unknown, unknown>>((x) => typeof x === 'string' || x instanceof Map, expected(PARAM_SPEC)),
  v.transform((x) => (typeof x === 'string' ? new Map<unknown, unknown>([['type', x]]) : x)),
  ParameterMapping,
  // For the JSON Schema generator (scripts/generate-schemas.mjs): the shapes the check above accepts.
  v.metadata({
    inputShapes: [v.pipe(v.string(), v.description('Shorthand `name: type`: a required parameter of that type.')), ParameterMapping],
  }),
);

const EntryPointSpec = mapping(
  {
    parameters: v.optional(
      v.pipe(
        namedMapping(ParameterSpec, 'a mapping of parameter names to their specs', `a parameter name ${QUOTE_NAMES}`),
        v.description('Parameters in declaration order; -P name=value sets one, others are appended as --name value.'),
      ),
      () => new Map(),
    ),
    command: v.pipe(
      v.string(expected('a command string, e.g. "python train.py --alpha {alpha}"')),
      v.metadata({
        description: 'A Python str.format template run with bash -c in the project directory: {name} is the shell-quoted parameter; write literal braces as {{ }}.',
        examples: ['python train.py --alpha {alpha}'],
      }),
    ),
  },
  'a mapping with parameters and command',
);

/** A truthy `name:`; MLflow keeps any value, we accept text and integers (as their decimal text). */
const ProjectName = orDefault(
  v.pipe(
    v.custom<string | number | bigint>(
      (x) => typeof x === 'string' || typeof x === 'number' || typeof x === 'bigint',
      expected('a project name (a string)'),
    ),
    v.transform(String),
    v.metadata({ inputShapes: [v.string(), v.number()] }),
  ),
  null,
);

const INVALID = 'Project configuration (MLproject file) was invalid: ';
export const NO_IMAGE = `${INVALID}Docker environment specified but no image attribute found.`;
const VOLUMES = `${INVALID}Docker volumes must be a list of strings, e.g.: '["/path1/:/path1", "/path2/:/path2"])`;
const ENVIRONMENT =
  `${INVALID}environment must be a list containing either strings (to copy environment variables from host ` +
  'system) or lists of string pairs (to define new environment variables).' +
  `E.g.: '[["NEW_VAR", "new_value"], "VAR_TO_COPY_FROM_HOST"])`;

const PAIR = 'a [NAME, VALUE] pair: a name string and a string, integer or boolean value';
type EnvItem = string | [string, string];

// A pair's value becomes `-e NAME=<str(value)>`; int and bool are rendered as Python's str() would.
function envItem(x: unknown): EnvItem | undefined {
  if (typeof x === 'string') return x;
  if (!Array.isArray(x) || x.length !== 2 || typeof x[0] !== 'string') return undefined;
  const value: unknown = x[1];
  if (typeof value === 'string') return [x[0], value];
  if (typeof value === 'number' || typeof value === 'bigint') return [x[0], String(value)];
  if (typeof value === 'boolean') return [x[0], value ? 'True' : 'False'];
  return undefined;
}

const EnvironmentItem = v.pipe(
  v.custom<string | unknown[]>(
    (x) => envItem(x) !== undefined,
    (issue) => (Array.isArray(issue.input) ? expected(PAIR)(issue) : mlflowMessage(ENVIRONMENT)(issue)),
  ),
  v.transform((x) => envItem(x) as EnvItem),
  // For the JSON Schema generator (scripts/generate-schemas.mjs): the shapes the check above accepts.
  v.metadata({
    inputShapes: [
      v.pipe(v.string(), v.description('A variable to copy from the host.')),
      v.pipe(v.tuple([v.string(), v.union([v.string(), v.number(), v.boolean()])]), v.description('[NAME, VALUE]: a variable to define.')),
    ],
  }),
);

// MLflow checks volumes/environment only when truthy; a falsy value means "none".
const orEmpty = (x: unknown): unknown => (pyTruthy(x) ? x : []);

/** A truthy `docker_env` (MLflow ignores a falsy one). `image` must be truthy (MLflow's own check). */
export const DockerEnvSpec = mapping(
  {
    image: v.pipe(
      v.custom<unknown>(pyTruthy, mlflowMessage(NO_IMAGE)),
      v.string(expected('an image name (a string)')),
      v.description('The base image, e.g. python:3.10.'),
    ),
    volumes: v.pipe(
      v.unknown(),
      v.transform(orEmpty),
      v.array(v.string(mlflowMessage(VOLUMES)), mlflowMessage(VOLUMES)),
      v.description('docker run -v mounts, e.g. ["/data:/data"].'),
    ),
    environment: v.pipe(
      v.unknown(),
      v.transform(orEmpty),
      v.array(EnvironmentItem, mlflowMessage(ENVIRONMENT)),
      v.description('Variables for the container: a NAME to copy from the host, or a [NAME, VALUE] pair.'),
    ),
  },
  'a mapping with image, volumes and environment',
);

/** The value of a truthy `python_env:` / `conda_env:` key: a path relative to the project directory. */
export const EnvFilePath = v.pipe(
  v.string(expected('the path of an environment YAML file, relative to the project directory')),
  v.metadata({ examples: ['python_env.yaml', 'conda.yaml'] }),
);

/** Top level: keys MLflow reads; the env keys are checked one by one in MLflow's order afterwards. */
export const MLprojectSpec = v.pipe(
  mapping(
    {
      entry_points: v.optional(
        v.pipe(
          namedMapping(EntryPointSpec, 'a mapping of entry point names to {parameters, command}', `an entry point name ${QUOTE_NAMES}`),
          v.description('Entry points by name (run with -e NAME; the default is main).'),
        ),
        () => new Map(),
      ),
      name: v.pipe(ProjectName, v.description('The project name (needed for docker_env image tags).')),
      databricks_spark_job: v.pipe(v.unknown(), v.description('Databricks only; not supported by mlproject.')),
      docker_env: v.pipe(
        v.unknown(),
        v.metadata({ description: 'Run the project in this Docker image. At most one of conda_env, python_env, docker_env.', inputShapes: [DockerEnvSpec, v.null()] }),
      ),
      python_env: v.pipe(
        v.unknown(),
        v.metadata({ description: 'A python_env.yaml file (virtualenv or uv), relative to the project directory.', inputShapes: [EnvFilePath, v.null()] }),
      ),
      conda_env: v.pipe(
        v.unknown(),
        v.metadata({ description: 'A conda.yaml file, relative to the project directory.', inputShapes: [EnvFilePath, v.null()] }),
      ),
    },
    'a mapping of MLproject keys (name, entry_points, conda_env, python_env, docker_env)',
  ),
  v.title('MLproject'),
  v.description('An MLflow project file, as `mlflow run` and `mlproject run` read it.'),
  // For the JSON Schema generator: MLflow refuses two env keys (even with empty values); checkSingleEnv does it at run time.
  v.metadata({ atMostOneOf: ['docker_env', 'python_env', 'conda_env'] }),
);
