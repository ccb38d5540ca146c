"use client";

import { useSyncExternalStore } from "react";

import { passkeysAvailable } from "./api";

const unchanging = () => () => undefined;

/** Whether this page can use passkeys: false while pre-rendered on the server, then the browser's answer. */
export function usePasskeysAvailable(): boolean {
  return useSyncExternalStore(unchanging, passkeysAvailable, () => false);
}
