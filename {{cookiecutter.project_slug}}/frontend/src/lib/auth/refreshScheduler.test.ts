import { afterEach, describe, expect, it } from "vitest";

import { DEMO, FakeAuthServer, FakeLockManager } from "../../test/fakeAuthServer";
import { AUTH_PATHS, AuthClient } from "./apiClient";
import { type SchedulerEnvironment, refreshDelay, startProactiveRefresh } from "./refreshScheduler";
import { SessionStore } from "./session";
import { broadcastTabChannel, webLocksTabLock } from "./tabSync";

describe("refreshDelay", () => {
  const now = 1_000_000;

  it.each([
    ["15 min token: at 80%", 900_000, 720_000],
    ["1 h token: at 80%", 3_600_000, 2_880_000],
    ["100 s token: at half its life", 100_000, 50_000],
    ["8 s token: at half its life", 8_000, 4_000],
  ])("%s", (_name, lifetimeMs, expected) => {
    expect(refreshDelay(now + lifetimeMs, lifetimeMs, now)).toBe(expected);
  });

  it("renews an overdue token almost at once", () => {
    expect(refreshDelay(now - 5_000, 8_000, now)).toBe(250);
  });
});

/** Timers and visibility under the test's control. */
class FakeEnvironment implements SchedulerEnvironment {
  visible = true;
  timers = new Map<number, { at: number; callback: () => void }>();
  #clock = Date.now();
  #serial = 0;
  #resume = new Set<() => void>();

  now = () => this.#clock;
  setTimeout = (callback: () => void, ms: number) => {
    this.timers.set(++this.#serial, { at: this.#clock + ms, callback });
    return this.#serial;
  };
  clearTimeout = (handle: unknown) => {
    this.timers.delete(handle as number);
  };
  isVisible = () => this.visible;
  onResume = (listener: () => void) => {
    this.#resume.add(listener);
    return () => this.#resume.delete(listener);
  };

  /** When the pending timer fires, in ms from now (null if none). */
  nextIn(): number | null {
    const next = [...this.timers.values()].sort((a, b) => a.at - b.at)[0];
    return next === undefined ? null : next.at - this.#clock;
  }

  /** Move time forward, firing due timers. */
  advance(ms: number): void {
    this.#clock += ms;
    for (const [id, timer] of [...this.timers]) {
      if (timer.at <= this.#clock) {
        this.timers.delete(id);
        timer.callback();
      }
    }
  }

  resume(visible = true): void {
    this.visible = visible;
    for (const listener of this.#resume) {
      listener();
    }
  }
}

const stops: (() => void)[] = [];
afterEach(() => {
  for (const stop of stops.splice(0)) {
    stop();
  }
});

const settle = () => new Promise((resolve) => setTimeout(resolve, 60));

async function scheduledTab() {
  const server = new FakeAuthServer();
  const environment = new FakeEnvironment();
  const client = new AuthClient({
    session: new SessionStore(environment.now),
    apiUrl: server.origin,
    fetch: server.fetch,
    lock: webLocksTabLock(new FakeLockManager()),
    channel: broadcastTabChannel(`scheduler-${Math.random()}`),
  });
  stops.push(() => client.dispose(), startProactiveRefresh(client, environment));
  await client.login(DEMO.username, DEMO.password);
  return { server, client, environment };
}

describe("proactive refresh", () => {
  it("renews the token before it expires and schedules the next renewal", async () => {
    const { server, client, environment } = await scheduledTab();
    const first = client.session.accessToken;
    const delay = environment.nextIn()!;
    expect(delay).toBe(4_000);

    environment.advance(delay);
    await settle();

    expect(server.count(AUTH_PATHS.refresh)).toBe(1);
    expect(client.session.accessToken).not.toBe(first);
    expect(environment.nextIn()).toBeGreaterThan(3_000);
  });

  it("pauses while the tab is hidden and catches up when it is shown", async () => {
    const { server, environment } = await scheduledTab();

    environment.resume(false);
    expect(environment.timers.size).toBe(0);
    environment.advance(20_000);
    await settle();
    expect(server.count(AUTH_PATHS.refresh)).toBe(0);

    environment.resume(true);
    expect(environment.nextIn()).toBeLessThanOrEqual(250);
    environment.advance(250);
    await settle();
    expect(server.count(AUTH_PATHS.refresh)).toBe(1);
  });

  it("backs off and tries again when the server cannot be reached", async () => {
    const { server, client, environment } = await scheduledTab();
    server.offline = true;

    environment.advance(environment.nextIn()!);
    await settle();
    expect(client.session.getSnapshot().status).toBe("authenticated");
    expect(environment.nextIn()).toBe(1_000);

    environment.advance(1_000);
    await settle();
    expect(environment.nextIn()).toBe(2_000);

    server.offline = false;
    environment.advance(2_000);
    await settle();
    expect(server.count(AUTH_PATHS.refresh)).toBe(3);
    expect(environment.nextIn()).toBeGreaterThan(3_000);
  });

  it("stops when the refresh is rejected", async () => {
    const { server, client, environment } = await scheduledTab();
    server.cookie = null;

    environment.advance(environment.nextIn()!);
    await settle();

    expect(client.session.getSnapshot()).toMatchObject({ status: "anonymous", endReason: "session_expired" });
    expect(environment.timers.size).toBe(0);
  });
});
