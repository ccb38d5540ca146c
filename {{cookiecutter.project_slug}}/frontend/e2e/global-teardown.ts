import { rmSync } from "node:fs";

import { DATABASE_PATH } from "./servers";

/** The test database is recreated by every run; do not leave it behind. */
export default function globalTeardown() {
  rmSync(DATABASE_PATH, { force: true });
}
