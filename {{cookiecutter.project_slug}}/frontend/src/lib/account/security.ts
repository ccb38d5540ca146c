/**
 * The signed-in user's sessions and recent security activity. Ending every
 * other session is a sensitive action: it needs the current password, or a
 * sign-in within the last few minutes (the server says which when it refuses).
 */
import type { AuthClient } from "../auth/apiClient";
import { apiErrorFrom } from "../auth/errors";

export const SECURITY_PATHS = {
  sessions: "/api/auth/sessions/",
  endOthers: "/api/auth/sessions/end-others/",
  activity: "/api/account/activity/",
} as const;

export interface DeviceSession {
  id: string;
  device: string;
  created_at: string;
  last_used_at: string;
  client_address: string | null;
  last_address: string | null;
  /** The session this browser is signed in with. */
  current: boolean;
}

export interface ActivityEntry {
  event: string;
  description: string;
  at: string;
  client_address: string | null;
  device: string;
}

export function listSessions(client: AuthClient): Promise<DeviceSession[]> {
  return client.getJson<DeviceSession[]>(SECURITY_PATHS.sessions);
}

export async function endSession(client: AuthClient, sessionId: string): Promise<void> {
  const response = await client.request(`${SECURITY_PATHS.sessions}${encodeURIComponent(sessionId)}/`, {
    method: "DELETE",
  });
  if (!response.ok) {
    throw await apiErrorFrom(response);
  }
}

export function endOtherSessions(client: AuthClient, currentPassword: string): Promise<{ ended: number }> {
  return client.getJson<{ ended: number }>(SECURITY_PATHS.endOthers, {
    method: "POST",
    body: JSON.stringify({ current_password: currentPassword }),
  });
}

export function recentActivity(client: AuthClient): Promise<ActivityEntry[]> {
  return client.getJson<ActivityEntry[]>(SECURITY_PATHS.activity);
}
