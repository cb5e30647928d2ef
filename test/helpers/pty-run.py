"""Runs a command in a pseudo-terminal, presses Ctrl-C once TRIGGER appears, and prints its output and exit code.

Usage: python3 pty-run.py TRIGGER command [args...]
"""
import os
import pty
import select
import sys
import time

trigger = sys.argv[1].encode()
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
output = b""
sent = False
deadline = time.time() + 90
while time.time() < deadline:
    ready, _, _ = select.select([fd], [], [], 0.2)
    if fd in ready:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
    if not sent and trigger in output:
        time.sleep(0.3)
        os.write(fd, b"\x03")
        sent = True
_, status = os.waitpid(pid, 0)
sys.stdout.write(output.decode("utf-8", "replace"))
sys.stdout.write("\nEXIT %d SENT %d\n" % (os.waitstatus_to_exitcode(status), int(sent)))
