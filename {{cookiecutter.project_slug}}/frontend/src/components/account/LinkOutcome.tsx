"use client";

import Link from "next/link";
import { type ReactNode, useEffect, useRef, useState } from "react";

import { accountErrorMessage } from "@/lib/account";
import { ApiError } from "@/lib/auth";

import { useLinkToken } from "./useLinkToken";

type Outcome<T> = { state: "working" } | { state: "done"; result: T } | { state: "failed"; message: string; code: string | null };

interface LinkOutcomeProps<T> {
  title: string;
  /** Follow the link: called once, with its token. */
  follow(token: string): Promise<T>;
  done(result: T): ReactNode;
  /** What to offer when the link failed (a form for a new one). */
  recovery: ReactNode;
}

const WITHOUT_TOKEN = {
  state: "failed",
  message: "This page needs the link from your email. Open it from there.",
  code: null,
} as const;

/** A page that an emailed link opens: it sends the link's token once and says what came of it. */
export function LinkOutcome<T>({ title, follow, done, recovery }: LinkOutcomeProps<T>) {
  const token = useLinkToken();
  const [followed, setOutcome] = useState<Outcome<T>>({ state: "working" });
  const outcome: Outcome<T> = token === null ? WITHOUT_TOKEN : followed;
  const sent = useRef(false);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    if (typeof token !== "string" || sent.current) {
      return;
    }
    sent.current = true;
    follow(token).then(
      (result) => setOutcome({ state: "done", result }),
      (error: unknown) =>
        setOutcome({
          state: "failed",
          message: accountErrorMessage(error),
          code: error instanceof ApiError ? error.code : null,
        }),
    );
  }, [token, follow]);

  useEffect(() => {
    if (outcome.state !== "working") {
      heading.current?.focus(); // the page's content changed: start reading here
    }
  }, [outcome.state]);

  return (
    <section className="card">
      <h1 ref={heading} tabIndex={-1}>
        {title}
      </h1>
      {outcome.state === "working" && (
        <p className="muted" aria-busy="true">
          One moment…
        </p>
      )}
      {outcome.state === "done" && <div role="status">{done(outcome.result)}</div>}
      {outcome.state === "failed" && (
        <>
          <p role="alert" className="error">
            {outcome.message}
          </p>
          {recovery}
        </>
      )}
      <p>
        <Link href="/login">Go to sign in</Link>
      </p>
    </section>
  );
}
