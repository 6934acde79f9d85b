// The circle of the default policy (core/policy/model.ts), read from it so the bench measures what ships.
import { DEFAULT_POLICY } from '@tmc/core/policy/model';

export const DEFAULT_POLICY_CIRCLE = DEFAULT_POLICY.circle;
