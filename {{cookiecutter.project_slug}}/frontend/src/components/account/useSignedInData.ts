"use client";

import { useCallback, useEffect, useState } from "react";

import { accountErrorMessage } from "@/lib/account";
import { type AuthClient, SessionEndedError } from "@/lib/auth";

import { useAuth } from "../auth/AuthProvider";

export interface SignedInData<T> {
  client: AuthClient | null;
  /** The last data loaded; null until the first load succeeds. */
  data: T | null;
  /** Why the last load failed, for people; null when it worked. */
  error: string | null;
  setError(message: string | null): void;
  reload(): Promise<void>;
}

/**
 * What a signed-in page shows, fetched on mount and again on `reload`. A failure becomes a
 * message; a session that has ended meanwhile is left to the auth provider (it signs out).
 */
export function useSignedInData<T>(fetch: (client: AuthClient) => Promise<T>): SignedInData<T> {
  const auth = useAuth();
  const client = auth?.client ?? null;
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async (): Promise<{ data: T } | { error: string } | null> => {
    if (client === null) {
      return null;
    }
    try {
      return { data: await fetch(client) };
    } catch (failure) {
      return failure instanceof SessionEndedError ? null : { error: accountErrorMessage(failure) };
    }
  }, [client, fetch]);

  const show = useCallback((result: { data: T } | { error: string } | null) => {
    if (result === null) {
      return;
    }
    if ("error" in result) {
      setError(result.error);
    } else {
      setData(result.data);
      setError(null);
    }
  }, []);

  const reload = useCallback(async () => show(await load()), [load, show]);

  useEffect(() => {
    let current = true;
    void load().then((result) => {
      if (current) {
        show(result);
      }
    });
    return () => {
      current = false;
    };
  }, [load, show]);

  return { client, data, error, setError, reload };
}
