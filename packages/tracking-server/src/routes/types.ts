import type { TrackingStore } from '@mlproject/tracking';
import type { Message } from '../http/message.js';

/** An unexpected error met while answering a request (a bug of ours or an I/O failure). */
export interface InternalErrorEntry {
  method: string;
  url: string;
  error: unknown;
}

/** What handlers need: the store and the local directory `mlflow-artifacts:/` maps to. */
export interface ApiContext {
  store: TrackingStore;
  artifactsDestination: string;
  /** Largest artifact upload, bytes. */
  maxArtifactBytes: number;
  /** Reports an error no answer can carry any more (a download cut short after its headers). */
  onInternalError: (entry: InternalErrorEntry) => void;
}

/** A JSON endpoint: reads a request message (query for GET, JSON body otherwise, path params merged) and returns the response object. */
export interface ApiRoute {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Under the API prefix, e.g. `/mlflow/runs/get`; `:name` segments become message fields. */
  path: string;
  handler: (msg: Message, ctx: ApiContext) => Promise<object>;
}

/** The proto enum numbering of ViewType (`ACTIVE_ONLY` = 1). */
export const VIEW_TYPES = [undefined, 'ACTIVE_ONLY', 'DELETED_ONLY', 'ALL'] as const;
