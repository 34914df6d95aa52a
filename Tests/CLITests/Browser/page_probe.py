#!/usr/bin/env python3
"""Opens a page in headless Chromium and reports what a reader's browser would see.

Usage: page_probe.py CHROMIUM PAGE.html SCREENSHOT.png

Talks the DevTools protocol over --remote-debugging-pipe (fd 3 in, fd 4 out, NUL-separated JSON),
so it needs only Python's standard library: no websocket client, no port. Prints one JSON object:
  console     console messages of level error/assert, and Log entries of level error (CSP refusals)
  exceptions  uncaught exceptions
  requests    every URL the page asked for (the page itself included)
  dialogs     alert/confirm/prompt dialogs opened (a hostile name that ran would open one)
  probe       what the page's DOM holds (sections, every data-report part with its bound values,
              footer, scripts, a sort check), from PROBE below
and writes a PNG screenshot of the top of the page.
"""
import base64
import json
import os
import subprocess
import sys
import tempfile
import time

PROBE = r"""
(() => {
  const parts = Array.from(document.querySelectorAll("[data-report]")).map(el => ({
    report: JSON.parse(el.getAttribute("data-report")),
    values: Array.from(el.querySelectorAll("[data-path]")).map(c =>
      [c.getAttribute("data-path"), c.getAttribute("data-value"), c.hasAttribute("data-null"), c.textContent])
  }));
  const footer = {};
  document.querySelectorAll("[data-footer]").forEach(c => { footer[c.getAttribute("data-footer")] = c.textContent; });
  // Sorting: the first table whose first column is all numbers, sorted by a click, twice.
  let sort = null;
  for (const table of document.querySelectorAll("table.sortable")) {
    const rows = Array.from(table.tBodies[0].rows);
    const values = rows.map(r => r.cells[0] && r.cells[0].getAttribute("data-value"));
    if (rows.length < 3 || values.some(v => v === null || v === "" || isNaN(Number(v)))) continue;
    const th = table.tHead.rows[0].cells[0];
    const read = () => Array.from(table.tBodies[0].rows).map(r => Number(r.cells[0].getAttribute("data-value")));
    th.click(); const up = read();
    th.click(); const down = read();
    sort = { rows: rows.length, ascending: up.every((v, i) => i === 0 || up[i - 1] <= v),
             descending: down.every((v, i) => i === 0 || down[i - 1] >= v), ariaSort: th.getAttribute("aria-sort") };
    break;
  }
  return {
    title: document.title,
    sections: Array.from(document.querySelectorAll("section[id], footer[id]")).map(s => s.id),
    headings: Array.from(document.querySelectorAll("h3")).map(h => h.textContent),
    scripts: document.scripts.length,
    svgs: document.querySelectorAll("svg").length,
    problems: Array.from(document.querySelectorAll(".problem")).map(p => p.textContent),
    parts, footer, sort,
    text: document.body.innerText,
  };
})()
"""


def main():
    chromium, page, screenshot = sys.argv[1], os.path.abspath(sys.argv[2]), sys.argv[3]
    url = "file://" + page
    profile = tempfile.mkdtemp(prefix="page-probe-")
    to_chrome_r, to_chrome_w = os.pipe()
    from_chrome_r, from_chrome_w = os.pipe()
    arguments = [chromium, "--headless", "--disable-gpu", "--remote-debugging-pipe", "--user-data-dir=" + profile,
                 "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-extensions", "--hide-scrollbars",
                 "--window-size=1280,1400", "about:blank"]
    if os.geteuid() == 0:
        arguments.insert(1, "--no-sandbox")  # Chromium refuses to run its sandbox as root (CI runs as root)
    log = open(os.path.join(profile, "chromium.log"), "wb")
    # The shell puts the pipe ends on the descriptors Chromium expects: 3 (commands in), 4 (replies out).
    process = subprocess.Popen(["sh", "-c", 'exec "$@" 3<&%d 4>&%d' % (to_chrome_r, from_chrome_w), "sh"] + arguments,
                               pass_fds=(to_chrome_r, from_chrome_w), stdin=subprocess.DEVNULL,
                               stdout=log, stderr=log)
    os.close(to_chrome_r)
    os.close(from_chrome_w)
    events, buffer, next_id = [], b"", [0]

    def read_message(deadline):
        nonlocal buffer
        while b"\0" not in buffer:
            if time.time() > deadline:
                raise TimeoutError("no answer from Chromium (log: %s)" % log.name)
            chunk = os.read(from_chrome_r, 1 << 16)
            if not chunk:
                raise RuntimeError("Chromium closed the pipe (log: %s)" % log.name)
            buffer += chunk
        message, buffer = buffer.split(b"\0", 1)
        message = json.loads(message)
        if message.get("method") == "Page.javascriptDialogOpening":
            # A dialog blocks the page until answered: record it (it is in events) and dismiss it.
            next_id[0] += 1
            os.write(to_chrome_w, json.dumps({"id": next_id[0], "method": "Page.handleJavaScriptDialog",
                                              "params": {"accept": False}, "sessionId": message.get("sessionId")}).encode() + b"\0")
        return message

    def call(method, params=None, session=None, timeout=30):
        next_id[0] += 1
        own_id = next_id[0]
        message = {"id": own_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(to_chrome_w, json.dumps(message).encode() + b"\0")
        deadline = time.time() + timeout
        while True:
            reply = read_message(deadline)
            if reply.get("id") == own_id:
                if "error" in reply:
                    raise RuntimeError("%s: %s" % (method, reply["error"]))
                return reply["result"]
            events.append(reply)

    def wait_for(method, timeout=30):
        deadline = time.time() + timeout
        while not any(e.get("method") == method for e in events):
            events.append(read_message(deadline))

    try:
        target = call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Runtime", "Log", "Network", "Page"):
            call(domain + ".enable", session=session)
        call("Page.navigate", {"url": url}, session=session)
        wait_for("Page.loadEventFired")
        call("Runtime.evaluate", {"expression": "new Promise(r => setTimeout(r, 300))", "awaitPromise": True}, session=session)
        probe = call("Runtime.evaluate", {"expression": PROBE, "returnByValue": True}, session=session)
        if "exceptionDetails" in probe:
            raise RuntimeError("probe failed: %s" % probe["exceptionDetails"])
        shot = call("Page.captureScreenshot", {"format": "png"}, session=session)
        with open(screenshot, "wb") as f:
            f.write(base64.b64decode(shot["data"]))
        try:
            call("Browser.close", timeout=5)
        except Exception:
            pass
    finally:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()

    def params(name):
        return [e["params"] for e in events if e.get("method") == name]

    result = {
        "console": [{"type": p["type"], "text": " ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", []))}
                    for p in params("Runtime.consoleAPICalled") if p["type"] in ("error", "assert")]
                   + [{"type": "log-" + p["entry"]["level"], "text": p["entry"]["text"]}
                      for p in params("Log.entryAdded") if p["entry"]["level"] == "error"],
        "exceptions": [p["exceptionDetails"].get("text", "") for p in params("Runtime.exceptionThrown")],
        "requests": [p["request"]["url"] for p in params("Network.requestWillBeSent")],
        "dialogs": [p.get("message", "") for p in params("Page.javascriptDialogOpening")],
        "url": url,
        "probe": probe["result"]["value"],
    }
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
