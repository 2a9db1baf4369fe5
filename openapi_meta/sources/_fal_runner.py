"""Runs inside the container: call a fal function's body as fal's runtime would, without fal.

Copied into the image by the `--fal` source; standard library only. `fal` (and any `fal.*`)
is a stand-in whose every attribute is a no-op, so `@fal.function(...)` returns the function
itself and `fal.ContainerImage.from_dockerfile(...)` does nothing; a module the file imports
that is not there (the `fal_openapi` openapi-meta writes) is an empty stand-in too.

    python3 _fal_runner.py FILE FUNCTION STAND_IN_MODULE
"""

import importlib.abc
import importlib.machinery
import importlib.util
import sys
import types


class _Anything:
    """Every attribute, call and decorator use is accepted and does nothing."""

    def __init__(self, *args, **kwargs):
        pass

    def __call__(self, *args, **kwargs):
        if len(args) == 1 and callable(args[0]) and not kwargs:
            return args[0]  # a bare decorator leaves the function as it is
        return _Anything()

    def __getattr__(self, name):
        return _Anything()


class _StandIns(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def __init__(self, names, prefixes):
        self.names = set(names)
        self.prefixes = tuple(prefixes)

    def find_spec(self, name, path=None, target=None):
        if name in self.names or name.startswith(self.prefixes):
            return importlib.machinery.ModuleSpec(name, self, is_package=True)
        return None

    def create_module(self, spec):
        module = types.ModuleType(spec.name)
        module.__path__ = []
        module.__getattr__ = lambda name: _Anything()
        module.metadata = {}
        return module

    def exec_module(self, module):
        pass


def main(argv):
    path, function, stand_in = argv
    sys.meta_path.insert(0, _StandIns({"fal"}, ["fal."]))  # never the real fal
    sys.meta_path.append(_StandIns({stand_in}, []))  # only when the real one is missing
    folder = path.rsplit("/", 1)[0] or "/"
    sys.path.insert(0, folder)
    spec = importlib.util.spec_from_file_location("fal_function_file", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["fal_function_file"] = module
    spec.loader.exec_module(module)
    print(f"openapi-meta: running {function}() from {path}", file=sys.stderr, flush=True)
    getattr(module, function)()


if __name__ == "__main__":
    main(sys.argv[1:])
