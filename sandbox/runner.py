# pycage runner: the bootstrap every sandbox container starts with (python3 -I -u -B -c <this>).
# It reads one payload from stdin, runs the user's code, and reports the `result` global in a
# frame the server finds by a per-call marker. It is not a security boundary: the container is.
import io as _io
import json as _json
import os as _os
import select as _select
import sys as _sys


def _pycage_warm_up():
    """Pays for imports while the container idles in the pool, not on a call's clock (an
    import costs milliseconds on an overlay file system). A container started for a call
    already has its payload waiting and skips this: the call would only wait longer."""
    warm = _os.environ.pop("PYCAGE_WARM_IMPORTS", "")
    if _select.select([0], [], [], 0)[0]:
        return
    for name in ["linecache", "threading", "traceback"] + warm.split(","):
        if name.strip():
            try:
                __import__(name.strip())
            except Exception:
                pass


class _PycageFigures:
    """Collects matplotlib figures as PNGs, within a count and a byte budget. The container's
    MPLBACKEND names the module this installs, so plt.show() hands the open figures here and
    closes them, as an interactive backend would; figures still open at the end are taken too.
    Nothing is imported unless the code imports matplotlib."""

    def __init__(self, max_count, budget):
        self.max_count, self.budget, self.pngs, self.dropped = max_count, budget, [], 0

    def install(self):
        _sys.meta_path.append(self)

    # The import protocol for the backend module "_pycage_mpl": matplotlib imports it when it
    # first needs a backend; it is the Agg backend with show() replaced.
    def find_spec(self, name, path=None, target=None):
        if name != "_pycage_mpl":
            return None
        import importlib.machinery

        return importlib.machinery.ModuleSpec(name, self)

    def create_module(self, spec):
        return None

    def exec_module(self, mod):
        from matplotlib.backends import backend_agg

        mod.__dict__.update({k: v for k, v in vars(backend_agg).items() if not k.startswith("__")})
        mod.show = self.show

    def show(self, *args, **kwargs):
        plt = _sys.modules.get("matplotlib.pyplot")
        if plt is None:
            return
        for num in plt.get_fignums():
            self.take(plt.figure(num))
        plt.close("all")

    def take(self, fig):
        import io

        if len(self.pngs) >= self.max_count:
            self.dropped += 1
            return
        used = sum(len(p) for p in self.pngs)
        for dpi in (100, 72, 50, 36):
            buf = io.BytesIO()
            try:
                fig.savefig(buf, format="png", dpi=dpi)
            except Exception as exc:
                _pycage_note("a figure could not be rendered (%s: %s)" % (type(exc).__name__, exc))
                return
            if used + len(buf.getvalue()) <= self.budget:
                self.pngs.append(buf.getvalue())
                return
        self.dropped += 1

    def finish(self):
        self.show()
        if self.dropped:
            _pycage_note("%d figure(s) not returned: at most %d figures and %d KiB of PNG (%d KiB once"
                         " base64-encoded) per call; save fewer or smaller figures (lower dpi or figsize)"
                         % (self.dropped, self.max_count, self.budget // 1024, (self.budget + 2) // 3 * 4 // 1024))
        import base64

        return [base64.b64encode(p).decode() for p in self.pngs]


class _PycageFullWrite(_io.FileIO):
    """An unbuffered stream that writes everything it is given. Under -u, sys.stdout writes to
    a raw FileIO once and drops what a short write left over; Linux pipes never write short to
    a blocking writer, but gVisor's do (64 KiB at a time), which lost all but the first chunk
    of a large print."""

    def write(self, data):
        with memoryview(data) as view:
            view = view.cast("B")
            done = 0
            while done < len(view):
                n = super().write(view[done:])
                if n is None:  # non-blocking and full: wait until it drains
                    _select.select([], [self.fileno()], [])
                    continue
                done += n
            return done


def _pycage_unbuffered_streams():
    for name, fd in (("stdout", 1), ("stderr", 2)):
        old = getattr(_sys, name)
        new = _io.TextIOWrapper(_PycageFullWrite(fd, "w", closefd=False), encoding=old.encoding,
                                errors=old.errors, write_through=True)
        setattr(_sys, name, new)
        setattr(_sys, "__%s__" % name, new)


def _pycage_read_payload():
    src = _sys.stdin.buffer
    header = src.readline(32)
    size = int(header)
    chunks = []
    while size > 0:
        chunk = src.read(size)
        if not chunk:
            break
        chunks.append(chunk)
        size -= len(chunk)
    return _json.loads(b"".join(chunks))


def _pycage_exit_code(exc):
    code = exc.code
    if code is None:
        return 0
    if isinstance(code, bool):
        return int(code)
    if isinstance(code, int):
        return code & 0xFF
    try:
        print(code, file=_sys.stderr)
    except Exception:
        pass
    return 1


def _pycage_main():
    _pycage_unbuffered_streams()
    _pycage_warm_up()
    payload = _pycage_read_payload()
    # From here on stdin is empty: input() and child processes see EOF at once.
    devnull = _os.open(_os.devnull, _os.O_RDONLY)
    _os.dup2(devnull, 0)
    _os.close(devnull)
    _sys.stdin = open(0, "r", closefd=False)

    marker = payload["marker"].encode()
    limit = int(payload["result_limit"])
    figures = _PycageFigures(int(payload.get("max_images", 0)), int(payload.get("image_budget", 0)))
    if figures.max_count > 0:
        figures.install()
    user = {"__name__": "__main__", "__builtins__": __builtins__, "INPUT_DATA": payload.get("input_data")}
    code = payload["code"]
    del payload

    exit_code = 0
    try:
        exec(compile(code, "<code>", "exec"), user)
    except SystemExit as exc:
        exit_code = _pycage_exit_code(exc)
    except BaseException as exc:  # KeyboardInterrupt and friends end the snippet, not the runner
        tb = exc.__traceback__.tb_next if exc.__traceback__ is not None else None
        try:
            import linecache
            import traceback

            # Tracebacks show the lines of the code, as they would for a file.
            linecache.cache["<code>"] = (len(code), None, code.splitlines(True), "<code>")
            traceback.print_exception(type(exc), exc, tb)
        except Exception:
            pass
        exit_code = 1
    threading = _sys.modules.get("threading")  # no threading module: no threads to join
    if threading is not None:
        try:
            threading._shutdown()  # join non-daemon threads, as a normal interpreter exit would
        except BaseException:
            pass
    # Before the exit functions: matplotlib registers one that closes every figure.
    images = []
    if figures.max_count > 0 and "matplotlib.pyplot" in _sys.modules:
        try:
            images = figures.finish()
        except BaseException as exc:
            _pycage_note("figures could not be collected (%s: %s)" % (type(exc).__name__, exc))
    try:
        import atexit

        atexit._run_exitfuncs()
    except BaseException:
        pass

    frame = {"exit_code": exit_code}
    if "result" in user:
        try:
            text = _json.dumps(user["result"], allow_nan=False, ensure_ascii=True)
        except BaseException as exc:
            _pycage_note("result is not JSON-serializable (%s: %s); it is not returned" % (type(exc).__name__, exc))
        else:
            if len(text) > limit:
                _pycage_note("result is %d bytes of JSON, over the limit of %d; it is not returned" % (len(text), limit))
            else:
                frame["result"] = user["result"]
                frame["result_json"] = text
    for stream in (_sys.stdout, _sys.stderr):
        try:
            stream.flush()
        except BaseException:
            pass
    body = '{"exit_code":%d' % exit_code
    if "result_json" in frame:
        body += ',"result":' + frame["result_json"]
    if images:
        body += ',"images":' + _json.dumps(images)
    body += "}"
    # The result frame on stdout, then an end mark on stderr: once the server has both, it has
    # everything the runner wrote on either stream and need not wait for the container's exit.
    _pycage_write(1, marker + body.encode() + b"\n")
    _pycage_write(2, marker + b"{}\n")
    _os._exit(exit_code)


def _pycage_write(fd, data):
    while data:
        try:
            data = data[_os.write(fd, data):]
        except InterruptedError:
            continue
        except BaseException:
            return


def _pycage_note(text):
    try:
        _sys.stderr.write("pycage: " + text + "\n")
    except BaseException:
        pass


_pycage_main()
