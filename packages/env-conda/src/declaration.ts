import type { CondaEnvDeclaration } from '@mlproject/env';

export type { CondaEnvDeclaration };

/** true when `value` is a {@link CondaEnvDeclaration}. Pure. */
export function isCondaDeclaration(value: unknown): value is CondaEnvDeclaration {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return record['kind'] === 'conda' && typeof record['file'] === 'string';
}
