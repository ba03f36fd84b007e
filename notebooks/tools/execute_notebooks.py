#!/usr/bin/python3
"""Executes every notebook of a folder headlessly, for bin/modernbert-notebook --execute DIR.

Each DIR/*.ipynb (sorted by name) is read, run cell by cell in a fresh kernel (the one its metadata
names, or --kernel), and written with its outputs to OUT/<name>.ipynb (the committed notebook is
not modified); images (image/png and image/svg+xml outputs) are also written to OUT/<name>-images/. The first cell error stops everything: the notebook, cell
number and the error are printed and the exit status is 1.

Retries: the Java kernel (rapaio) sometimes never answers the first kernel_info handshake, and
now and then exits before answering it. Only kernel start is retried, before any cell has run: a
kernel that does not answer within the handshake timeout is killed, one that exited is reported
with the end of its console, and a new one is started, up to NOTEBOOK_START_ATTEMPTS times. A
kernel that dies after the handshake, or any cell error or cell timeout, fails at once.
"""

import argparse
import base64
import os
import queue
import sys
import time
from pathlib import Path

import nbformat
from jupyter_core.utils import ensure_async, run_sync
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError


def log(msg):
    print(f"[notebooks] {msg}", file=sys.stderr, flush=True)


class HandshakeTimeout(Exception):
    pass


class KernelDied(Exception):
    pass


async def _handshake(client, timeout):
    """Sends kernel_info until a reply comes (ok), the process exits (KernelDied) or time runs out.

    jupyter_client's own wait_for_ready also checks the heartbeat and reports a silent kernel as
    "died", so the two cases are told apart here by the kernel process itself."""
    km = client.km
    kc = km.client()
    # No heartbeat channel: liveness comes from the kernel process (km.is_alive, which nbclient
    # also uses through this client), and a heartbeat thread racing the teardown of a kernel that
    # died at once printed a spurious ZMQError.
    await ensure_async(kc.start_channels(hb=False))
    deadline = time.monotonic() + timeout
    try:
        while True:
            if not await ensure_async(km.is_alive()):
                raise KernelDied("the kernel process exited before answering kernel_info")
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise HandshakeTimeout(f"no kernel_info reply in {timeout}s")
            msg_id = kc.kernel_info()
            t_end = time.monotonic() + min(2.0, remaining)
            while time.monotonic() < t_end:
                try:
                    reply = await ensure_async(kc.get_shell_msg(timeout=0.5))
                except queue.Empty:
                    continue
                if reply.get("msg_type") == "kernel_info_reply":
                    kc.allow_stdin = False
                    client.kc = kc
                    return
    except BaseException:
        await ensure_async(kc.stop_channels())
        raise


def console_tail(kernel_log, lines=5):
    """The last lines of the kernel's console so far (its file is shared by all attempts)."""
    kernel_log.flush()
    with open(kernel_log.name, errors="replace") as f:
        tail = f.read().splitlines()[-lines:]
    return "\n".join("    | " + line[:300] for line in tail)


def start_kernel(client, handshake_timeout, attempts, kernel_log):
    """Starts the client's kernel; retries a kernel that never answers kernel_info or exits first.

    No cell has run yet, so a retry cannot hide a notebook's own failure; a kernel that keeps
    dying fails after the last attempt with the end of its console."""
    for attempt in range(1, attempts + 1):
        client.km = client.create_kernel_manager()
        # The kernel's own console (its log lines, Spark's and libtorch's) goes to a file.
        client.start_new_kernel(stdout=kernel_log, stderr=kernel_log)
        t0 = time.monotonic()
        try:
            run_sync(_handshake)(client, handshake_timeout)
            log(f"  kernel ready in {time.monotonic() - t0:.1f}s (attempt {attempt})")
            return
        except (HandshakeTimeout, KernelDied) as e:
            # Kills a silent kernel; for one that exited, frees its ports and files.
            run_sync(client.km.shutdown_kernel)(now=True)
            client.kc = None
            failure = e
            retry = ", retrying" if attempt < attempts else ""
            log(f"  {e} (attempt {attempt}/{attempts}{retry}); "
                + ("killed" if isinstance(e, HandshakeTimeout)
                   else "the end of its console:\n" + console_tail(kernel_log)))
    raise type(failure)(f"the kernel did not start in {attempts} attempts; the last: {failure}")


def shorten(text, head=25):
    """A Java stack trace's first lines and its 'Caused by' lines."""
    lines = text.splitlines()
    if len(lines) <= head + 10:
        return text
    causes = [l for l in lines[head:] if "Caused by" in l]
    return "\n".join(lines[:head] + [f"  ... ({len(lines) - head} more lines)"] + causes)


def error_text(cell):
    lines = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            lines.append(f"{out.get('ename', '')}: {out.get('evalue', '')}")
            lines.extend(out.get("traceback", []))
        elif out.get("output_type") == "stream" and out.get("name") == "stderr":
            lines.append(out.get("text", "")[-4000:])
    return "\n".join(lines)


def save_images(nb, images_dir):
    count = 0
    for i, cell in enumerate(nb.cells):
        for j, out in enumerate(cell.get("outputs", [])):
            data = out.get("data", {})
            if "image/png" in data:
                images_dir.mkdir(parents=True, exist_ok=True)
                (images_dir / f"cell{i:02d}-{j}.png").write_bytes(
                    base64.b64decode(data["image/png"]))
                count += 1
            if "image/svg+xml" in data:  # text, not base64
                images_dir.mkdir(parents=True, exist_ok=True)
                (images_dir / f"cell{i:02d}-{j}.svg").write_text(data["image/svg+xml"])
                count += 1
    return count


def run_notebook(path, out_dir, args):
    nb = nbformat.read(str(path), as_version=4)
    if args.kernel:
        language = nb.metadata.get("kernelspec", {}).get("language", "java")
        nb.metadata["kernelspec"] = {"name": args.kernel, "display_name": args.kernel,
                                     "language": language}
    kernel = nb.metadata.get("kernelspec", {}).get("name")
    if not kernel:
        raise SystemExit(f"{path} names no kernel (metadata.kernelspec.name) and --kernel is not given")
    out_path = out_dir / path.name
    client = NotebookClient(
        nb,
        kernel_name=kernel,
        timeout=args.cell_timeout,
        startup_timeout=args.handshake_timeout,
        allow_errors=False,
        record_timing=True,
        shutdown_kernel="immediate",
        resources={"metadata": {"path": str(out_dir)}},
    )
    t0 = time.monotonic()
    log_path = out_dir / f"{path.stem}.kernel.log"
    kernel_log = open(log_path, "w")
    try:
        start_kernel(client, args.handshake_timeout, args.attempts, kernel_log)
        failed = execute_cells(client, nb, out_path)
    finally:
        kernel_log.close()
    return report(path, nb, out_path, log_path, t0, failed)


def execute_cells(client, nb, out_path):
    """Runs the code cells in order; returns (index, number, error) of the first failure, or None."""
    failed = None
    try:
        with client.setup_kernel():  # uses the kernel started above; shuts it down at the end
            code_cells = 0
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code":
                    continue
                code_cells += 1
                c0 = time.monotonic()
                try:
                    client.execute_cell(cell, index, execution_count=code_cells)
                except (CellExecutionError, CellTimeoutError) as e:
                    failed = (index, code_cells, e)
                    break
                log(f"  cell {index} [{code_cells}] ok ({time.monotonic() - c0:.1f}s)")
    finally:
        nbformat.write(nb, str(out_path))
    return failed


def report(path, nb, out_path, log_path, t0, failed):
    if failed is not None:
        index, number, e = failed
        cell = nb.cells[index]
        detail = shorten(error_text(cell) or str(e))
        log(f"FAILED: {path} cell {index} (code cell [{number}]):")
        print("----- cell source -----", file=sys.stderr)
        print(cell.source, file=sys.stderr)
        print("----- error -----", file=sys.stderr)
        print(detail if not isinstance(e, CellTimeoutError) else str(e), file=sys.stderr)
        print(f"(executed copy with outputs: {out_path}; kernel console: {log_path})",
              file=sys.stderr)
        return False
    images = save_images(nb, out_path.parent / f"{path.stem}-images")
    log(f"ok: {path.name} in {time.monotonic() - t0:.1f}s, {images} image(s) -> {out_path}")
    return True


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("dir", help="folder with the .ipynb files")
    p.add_argument("--kernel", help="kernel spec name (default: each notebook's kernelspec)")
    p.add_argument("--out", required=True, help="folder for the executed copies")
    p.add_argument("--cell-timeout", type=int,
                   default=int(os.environ.get("NOTEBOOK_CELL_TIMEOUT", "900")))
    p.add_argument("--handshake-timeout", type=int,
                   default=int(os.environ.get("NOTEBOOK_HANDSHAKE_TIMEOUT", "60")))
    p.add_argument("--attempts", type=int,
                   default=int(os.environ.get("NOTEBOOK_START_ATTEMPTS", "3")))
    args = p.parse_args()
    if args.attempts < 1:
        p.error(f"--attempts (NOTEBOOK_START_ATTEMPTS) must be at least 1, not {args.attempts}")

    src = Path(args.dir).resolve()
    notebooks = sorted(q for q in src.glob("*.ipynb"))
    if not notebooks:
        log(f"no notebooks (*.ipynb) in {src}")
        return 2
    out_dir = Path(args.out).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    for path in notebooks:
        log(f"executing {path}")
        try:
            if not run_notebook(path, out_dir, args):
                return 1
        except (HandshakeTimeout, KernelDied) as e:
            log(f"FAILED: {path}: {e} (kernel console: {out_dir / (path.stem + '.kernel.log')})")
            return 1
    log(f"all {len(notebooks)} notebook(s) ran without errors; executed copies in {out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
