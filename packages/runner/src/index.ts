export { run } from './run.js';
export { planRun, type RunPlan } from './plan.js';
export type { RunOptions, RunOutcome, SubmittedRun } from './options.js';
export type { RetryInfo } from '@mlproject/tracking-rest';
export { RunnerError, type RunnerErrorCode } from './errors.js';
export { describeRun, type RunDetails } from './describe.js';
export {
  openStore, resolveTrackingUri, sqlitePathFromUri, storeTarget, maskPassword, DEFAULT_STORE_FILE, type OpenedStore, type StoreTarget,
} from './tracking-uri.js';
export { localArtifacts, type ArtifactAccess, type ArtifactFile } from './artifacts.js';
export { resolveExperimentId } from './experiment.js';
export { chooseEnvManager, defaultRegistry } from './environment.js';
export { finalStatus } from './exec.js';
export { UNCOMMITTED_DIFF_ARTIFACT, DIRTY_TAG, COMMAND_TAG, commandTag } from './run.js';
export type { Provenance } from '@mlproject/source';
export { killGraceMs, DEFAULT_KILL_GRACE_MS } from './exec.js';
export { RUNNER_TAGS, STATUS_REASON_TAG, HEARTBEAT_MS, startLiveness, type Liveness } from './liveness.js';
export { reapLostRuns, lostRunnerReason, reapNotice, type ReapedRun, type ReapContext } from './reap.js';
export { readRunLog, logArtifactPath, openRunLogs, LOG_STREAMS, LOG_UPLOAD_MS, type LogStream, type RunLogs } from './logs.js';
export { followRunLogs, type FollowOptions } from './follow.js';
export { waitForRun, cancelRun, type CancelOutcome } from './control.js';
