"use client";

/** New recovery codes, shown once: the user keeps them somewhere safe before going on. */
export function RecoveryCodes({ codes, onDone, doneLabel }: { codes: string[]; onDone(): void; doneLabel: string }) {
  return (
    <div className="recovery-codes">
      <h2>Your recovery codes</h2>
      <p>
        Each code signs you in once if you lose your authenticator app. Keep them somewhere safe, like a password
        manager: they are shown only now.
      </p>
      <ul aria-label="Recovery codes" className="codes">
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ul>
      <button type="button" onClick={onDone}>
        {doneLabel}
      </button>
    </div>
  );
}
