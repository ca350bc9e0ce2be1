#!/usr/bin/env python3
"""Screenshots of the review page of a running `sentinel run`, taken with Debian's headless Chromium through
chromedriver (W3C WebDriver, standard library only). Used to make the README's picture:

    examples/demo/screenshot.py http://127.0.0.1:9595 TOKEN examples/demo/review-overview.png [PATH]

Logs in as "demo" with TOKEN, opens PATH (default /review) and writes a 1200x1000 PNG of it.
"""
import base64
import json
import socket
import subprocess
import sys
import time
import urllib.request


def call(base, method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)["value"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    sentinel, token, out = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3]
    page = sys.argv[4] if len(sys.argv) > 4 else "/review"
    port = free_port()
    driver = subprocess.Popen(["chromedriver", f"--port={port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                call(base, "GET", "/status")
                break
            except OSError:
                time.sleep(0.1)
        args = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1200,1000"]
        session = call(base, "POST", "/session", {"capabilities": {"alwaysMatch": {
            "browserName": "chrome", "goog:chromeOptions": {"binary": "/usr/bin/chromium", "args": args}}}})["sessionId"]
        s = f"/session/{session}"
        try:
            shoot(base, s, sentinel, token, page, out)
        finally:
            call(base, "DELETE", s)  # closes the browser, also when a step failed
    finally:
        driver.terminate()
        driver.wait()
    print(f"wrote {out}")


def shoot(base, s, sentinel, token, page, out):
    """Logs in, opens the page and writes its screenshot."""

    def find(css):
        element = call(base, "POST", s + "/element", {"using": "css selector", "value": css})
        return next(iter(element.values()))

    call(base, "POST", s + "/url", {"url": sentinel + "/review/login"})
    call(base, "POST", s + f"/element/{find('input[name=reviewer]')}/value", {"text": "demo"})
    call(base, "POST", s + f"/element/{find('input[name=token]')}/value", {"text": token})
    call(base, "POST", s + f"/element/{find('form button')}/click", {})
    time.sleep(0.5)
    call(base, "POST", s + "/url", {"url": sentinel + page})
    with open(out, "wb") as f:
        f.write(base64.b64decode(call(base, "GET", s + "/screenshot")))


if __name__ == "__main__":
    main()
