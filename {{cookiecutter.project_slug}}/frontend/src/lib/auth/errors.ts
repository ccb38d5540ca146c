/**
 * Errors are data: the backend answers every failure with
 * `{detail, code, fields?}`, and the client turns it into one of these types.
 */

/** Machine codes the backend sends in the `code` field of an error body. */
export type ErrorCode =
  | "invalid_credentials"
  | "throttled"
  | "not_authenticated"
  | "token_expired"
  | "token_invalid"
  | "session_revoked"
  | "refresh_invalid"
  | "csrf_failed"
  | "invalid_request"
  | "email_unverified"
  | "link_invalid"
  | "link_expired"
  | "email_taken"
  | "signup_closed"
  | "reauthentication_required"
  | "password_incorrect"
  | (string & {});

export interface ErrorBody {
  detail: string;
  code: ErrorCode;
  fields?: Record<string, string[]>;
}

/** The API answered with an error status. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  readonly fields: Record<string, string[]>;
  /** Seconds to wait before retrying, from `Retry-After` (429 responses). */
  readonly retryAfter: number | null;

  constructor(status: number, body: ErrorBody, retryAfter: number | null = null) {
    super(body.detail);
    this.name = "ApiError";
    this.status = status;
    this.code = body.code;
    this.fields = body.fields ?? {};
    this.retryAfter = retryAfter;
  }
}

/** The request never got an answer (server down, offline, timeout, CORS). */
export class NetworkError extends Error {
  constructor(cause?: unknown) {
    super("Cannot reach the server. Check your connection and try again.", { cause });
    this.name = "NetworkError";
  }
}

/** The session could not be renewed; the user has to sign in again. */
export class SessionEndedError extends Error {
  readonly reason: SessionEndReason;

  constructor(reason: SessionEndReason) {
    super(SESSION_END_MESSAGES[reason]);
    this.name = "SessionEndedError";
    this.reason = reason;
  }
}

/** Why a session ended; carried to the login page as `?reason=`. */
export type SessionEndReason =
  | "session_expired"
  | "session_revoked"
  | "signed_out"
  | "signed_out_elsewhere";

export const SESSION_END_MESSAGES: Record<SessionEndReason, string> = {
  session_expired: "Your session has expired. Please sign in again.",
  session_revoked:
    "You were signed out: this session was ended (from another device, by an administrator, or because your password changed). Please sign in again.",
  signed_out: "You have signed out.",
  signed_out_elsewhere: "You were signed out in another tab.",
};

export function isSessionEndReason(value: string | null): value is SessionEndReason {
  return value !== null && Object.hasOwn(SESSION_END_MESSAGES, value);
}

/** Error codes of a 401 that mean the session itself is gone, not just this token. */
const REVOKED_CODES: ReadonlySet<string> = new Set(["session_revoked", "token_invalid"]);

export function sessionEndReasonFor(code: ErrorCode | null): SessionEndReason {
  return code !== null && REVOKED_CODES.has(code) ? "session_revoked" : "session_expired";
}

/** Build an ApiError from a failed response, whatever its body looks like. */
export async function apiErrorFrom(response: Response): Promise<ApiError> {
  const retryAfterHeader = response.headers.get("Retry-After");
  const retryAfter = retryAfterHeader === null ? null : Number.parseInt(retryAfterHeader, 10);
  return new ApiError(
    response.status,
    await errorBodyOf(response),
    Number.isFinite(retryAfter) ? retryAfter : null,
  );
}

async function errorBodyOf(response: Response): Promise<ErrorBody> {
  try {
    const body: unknown = await response.clone().json();
    if (isErrorBody(body)) {
      return body;
    }
  } catch {
    // Not JSON (a proxy's HTML error page, an empty body): fall through.
  }
  return { detail: `The server answered ${response.status}.`, code: `http_${response.status}` };
}

function isErrorBody(value: unknown): value is ErrorBody {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as ErrorBody).detail === "string" &&
    typeof (value as ErrorBody).code === "string"
  );
}

/** The message a person should read for a failed login. */
export function loginErrorMessage(error: unknown): string {
  if (error instanceof NetworkError) {
    return error.message;
  }
  if (error instanceof ApiError) {
    switch (error.code) {
      case "invalid_credentials":
        return "Incorrect username or password.";
      case "throttled":
        return error.retryAfter === null
          ? "Too many sign-in attempts. Please wait a moment and try again."
          : `Too many sign-in attempts. Try again in ${error.retryAfter} seconds.`;
      case "invalid_request":
        return "Enter both your username and your password.";
      case "email_unverified":
        return "Confirm your email address first: follow the link we sent you when you signed up.";
      default:
        return error.message;
    }
  }
  return "Something went wrong. Please try again.";
}
