// The audit port: who did what to whom. Every capability writes audit events; packages/store keeps them.
import type { Page } from './page';

export type AuditEvent = {
  actor: string; // 'staff:alice', 'elder:e_x', 'family:f_x', 'system'
  action: string; // 'elder.read_sensitive', 'elder.create', ...
  subject: string; // 'elder:e_x'
  detail?: Record<string, string | number | boolean | null>;
  request_id?: string;
};

export type AuditLog = {
  write: (e: AuditEvent) => Promise<void>;
  listBySubject: (subject: string, limit: number, cursor?: string) => Promise<Page<AuditEvent & { at: string }>>;
};
