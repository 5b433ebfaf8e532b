"""The rooms keep the README's promises: measured on the source with `ast`.

- no function in services/ over 40 lines (def line to the body's last, decorators
  excluded), no module over 300 lines;
- no service.py over 250 lines (entrypoints only);
- no package under services/gateway/ holds more than 12 modules (its __init__ aside);
- the gateway and the kit import no domain service's modules (labels and
  enums come from the contracts or an RPC), with one deliberate exception: the
  gateway may import `services.<domain>.commands`, the schemas a domain publishes
  for its commands (pure data, no nameko), for its OpenAPI and request checks;
- no import circle between modules of services/;
- the kit imports nothing of the rooms built on it (gateway, platform);
- an RPC's optional parameters are passed by name (`call(proxy.svc.method, ...)`),
  never as positional values such as a row of `None`s.

Today's offenders are listed below, each with a reason. The lists may only
shrink: a new offender fails, and so does an entry that no longer offends
(remove it when you fix the code).
"""
import ast
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2]
SERVICES = ROOT / "services"
DOMAIN_SERVICES = {"aspirasi", "pencaker", "prices", "news", "notifications"}
# The rooms that must not reach into a domain service.
EDGE_ROOMS = ("services.gateway", "services.servicekit")
MAX_FUNCTION_LINES = 40
MAX_MODULE_LINES = 300
MAX_SERVICE_LINES = 250
MAX_GATEWAY_PACKAGE_MODULES = 12
# What a domain publishes for the gateway to import (see the docstring).
PUBLISHED_DOMAIN_MODULE = "commands"

# (module, function qualname): reason it is still long.
LONG_FUNCTIONS = {}
# module path: reason it is still long.
LONG_MODULES = {}
# service.py path: reason it is still long.
LONG_SERVICE_FILES = {}
# gateway package path: reason it still holds so many modules.
CROWDED_GATEWAY_PACKAGES = {}
# (importing module, imported domain module): reason the edge is still there.
CROSS_IMPORTS = {}
# frozenset of modules forming a circle: reason.
IMPORT_CIRCLES = {}
# (module, line, "service.method", parameter): reason it is passed by position.
POSITIONAL_OPTIONALS = {}
# (kit module, imported gateway/platform module): reason.
KIT_UPWARD_IMPORTS = {}


def _module_name(path, services):
    parts = path.relative_to(services.parent).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _modules(services=SERVICES):
    return {_module_name(p, services): p for p in sorted(services.rglob("*.py"))}


def _imports(module, path, known):
    """Modules of services/ that `module` imports (at any depth of its body)."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                origin = ".".join(base + ([node.module] if node.module else []))
            else:
                origin = node.module
            # `from pkg import mod` imports the submodule; `from mod import name` the module.
            submodules = [f"{origin}.{alias.name}" for alias in node.names]
            names = [n for n in submodules if n in known]
            if len(names) < len(submodules):
                names.append(origin)
        else:
            continue
        for name in names:
            while name and name not in known:
                name = name.rpartition(".")[0]
            if name and name != module:
                found.add(name)
    return found


def _graph(services=SERVICES):
    modules = _modules(services)
    return {m: _imports(m, p, modules) for m, p in modules.items()}


def long_functions(services=SERVICES):
    found = {}
    for module, path in _modules(services).items():
        tree = ast.parse(path.read_text())

        def visit(node, prefix, module=module):
            for child in ast.iter_child_nodes(node):
                if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    name = f"{prefix}{child.name}"
                    if not isinstance(child, ast.ClassDef):
                        lines = child.end_lineno - child.lineno + 1
                        if lines > MAX_FUNCTION_LINES:
                            found[(module, name)] = lines
                    visit(child, f"{name}.")
                else:
                    visit(child, prefix)

        visit(tree, "")
    return found


def long_modules(services=SERVICES):
    return {str(p.relative_to(services.parent)): n for p in sorted(services.rglob("*.py"))
            if (n := len(p.read_text().splitlines())) > MAX_MODULE_LINES}


def crowded_gateway_packages(services=SERVICES):
    """{package: modules} of the gateway's packages holding more than the limit."""
    found = {}
    for package in sorted({p.parent for p in (services / "gateway").rglob("__init__.py")}):
        modules = [p for p in package.glob("*.py") if p.name != "__init__.py"]
        if len(modules) > MAX_GATEWAY_PACKAGE_MODULES:
            found[str(package.relative_to(services.parent))] = len(modules)
    return found


def long_service_files():
    return {
        str(p.relative_to(ROOT)): n
        for p in sorted(SERVICES.glob("*/service.py"))
        if (n := len(p.read_text().splitlines())) > MAX_SERVICE_LINES
    }


def cross_imports(services=SERVICES):
    found = set()
    for module, targets in _graph(services).items():
        if not module.startswith(EDGE_ROOMS):
            continue
        for target in targets:
            parts = target.split(".")
            if len(parts) > 1 and parts[1] in DOMAIN_SERVICES and not _published(module, parts):
                found.add((module, target))
    return found


def _published(module, parts):
    """The gateway importing what a domain publishes for it: `services.<domain>.commands`."""
    return module.startswith("services.gateway") and parts[2:3] == [PUBLISHED_DOMAIN_MODULE]


def kit_upward_imports(services=SERVICES):
    return {(module, target) for module, targets in _graph(services).items()
            if module.startswith("services.servicekit")
            for target in targets if target.startswith(("services.gateway", "services.platform"))}


def import_circles(services=SERVICES):
    """Strongly connected components of more than one module (Tarjan)."""
    graph = _graph(services)
    index, low, stack, on_stack, circles = {}, {}, [], set(), set()

    def connect(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                circles.add(frozenset(component))

    for node in graph:
        if node not in index:
            connect(node)
    return circles


def rpc_signatures(services=SERVICES):
    """{(service, method): (parameters, how many are required)} of every @rpc."""
    signatures = {}
    for name in DOMAIN_SERVICES:
        for path in sorted((services / name).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.FunctionDef) and any(
                        ast.unparse(d).split("(")[0] == "rpc" for d in node.decorator_list):
                    params = [a.arg for a in node.args.args[1:]]
                    signatures[(name, node.name)] = (params, len(params) - len(node.args.defaults))
    return signatures


def _is_rpc_call(func):
    """`call(...)` or an officer's `<...>.call(...)`: the two ways the gateway makes an RPC."""
    return (isinstance(func, ast.Name) and func.id == "call") or (
        isinstance(func, ast.Attribute) and func.attr == "call")


def positional_optionals(services=SERVICES):
    """`call(<...>.<service>.<method>, ...)` sites passing an optional parameter by position."""
    signatures, found = rpc_signatures(services), set()
    for module, path in _modules(services).items():
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Call) and _is_rpc_call(node.func)
                    and node.args and isinstance(node.args[0], ast.Attribute)
                    and isinstance(node.args[0].value, ast.Attribute)):
                continue
            target = (node.args[0].value.attr, node.args[0].attr)
            params, required = signatures.get(target, ((), 0))
            for index in range(required, min(len(node.args) - 1, len(params))):
                found.add((module, node.lineno, ".".join(target), params[index]))
    return found


def _check(found, allowed, what):
    new = sorted(set(found) - set(allowed), key=str)
    stale = sorted(set(allowed) - set(found), key=str)
    assert not new, f"new {what} (fix it; the allow-list only shrinks): {new}"
    assert not stale, f"fixed {what} still in the allow-list (remove the entry): {stale}"


def test_no_function_over_40_lines():
    _check(long_functions(), LONG_FUNCTIONS, f"functions over {MAX_FUNCTION_LINES} lines")


def test_no_module_over_300_lines():
    _check(long_modules(), LONG_MODULES, f"modules over {MAX_MODULE_LINES} lines")


def test_no_gateway_package_over_12_modules():
    _check(crowded_gateway_packages(), CROWDED_GATEWAY_PACKAGES,
           f"gateway packages of more than {MAX_GATEWAY_PACKAGE_MODULES} modules")


def test_no_service_py_over_250_lines():
    _check(long_service_files(), LONG_SERVICE_FILES, f"service.py files over {MAX_SERVICE_LINES} lines")


def test_gateway_and_kit_import_no_domain_service():
    _check(cross_imports(), CROSS_IMPORTS, "imports of a domain service by the gateway or the kit")


def test_the_kit_imports_nothing_built_on_it():
    _check(kit_upward_imports(), KIT_UPWARD_IMPORTS, "imports of the gateway or platform by the kit")


def test_optional_rpc_arguments_are_passed_by_name():
    _check(positional_optionals(), POSITIONAL_OPTIONALS, "optional RPC arguments passed by position")


def positional_callers(services=SERVICES):
    """@rpc methods that take `caller` by position: the entrypoint checks it by keyword only."""
    found = set()
    for name in DOMAIN_SERVICES:
        for path in sorted((services / name).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.FunctionDef) and any(
                        ast.unparse(d).split("(")[0] == "rpc" for d in node.decorator_list) and (
                        "caller" in [a.arg for a in node.args.posonlyargs + node.args.args]):
                    found.add((name, node.name))
    return found


def test_every_rpc_takes_its_caller_by_keyword_only():
    """The kit's rpc entrypoint verifies `caller` for its own service's audience on arrival,
    from the keywords; one taken by position would reach the worker unchecked for audience."""
    assert not positional_callers()


def test_no_import_circle():
    _check(import_circles(), IMPORT_CIRCLES, "import circles")


def test_the_measures_see_what_they_claim(tmp_path):
    """A planted long method, long module, crowded gateway package, gateway-to-domain
    import, kit-to-gateway import and circle are all found; the gateway importing a
    domain's published command schemas is no offence, the kit doing it is."""
    services = tmp_path / "services"
    for package in ("", "gateway", "gateway/forms", "aspirasi", "servicekit"):
        (services / package).mkdir(exist_ok=True)
        (services / package / "__init__.py").write_text("")
    lines = "        x = 1\n" * (MAX_FUNCTION_LINES - 1)
    (services / "gateway" / "pages.py").write_text(
        "from services.aspirasi.domain import LABELS\nfrom . import views\n"
        "from services.aspirasi.commands import SUBMIT\nfrom services.aspirasi import commands\n"
        f"class Pages:\n    @route\n    def page(self):\n        '''Doc.'''\n{lines}"
        f"    def short(self):\n{lines}")
    (services / "gateway" / "views.py").write_text("def show():\n    from .pages import Pages\n")
    (services / "aspirasi" / "domain.py").write_text("LABELS = {}\n" * (MAX_MODULE_LINES + 1))
    (services / "aspirasi" / "commands.py").write_text("SUBMIT = {}\n" * MAX_MODULE_LINES)
    (services / "servicekit" / "checks.py").write_text(
        "from services.aspirasi.commands import SUBMIT\nfrom services.gateway import views\n")
    for n in range(MAX_GATEWAY_PACKAGE_MODULES + 1):
        (services / "gateway" / "forms" / f"form_{n}.py").write_text("")
    (services / "gateway" / "forms" / "__init__.py").write_text("")
    assert long_functions(services) == {("services.gateway.pages", "Pages.page"): 41}
    assert long_modules(services) == {"services/aspirasi/domain.py": 301}
    assert crowded_gateway_packages(services) == {"services/gateway/forms": 13}
    assert cross_imports(services) == {("services.gateway.pages", "services.aspirasi.domain"),
                                       ("services.servicekit.checks", "services.aspirasi.commands")}
    assert kit_upward_imports(services) == {("services.servicekit.checks", "services.gateway.views")}
    assert import_circles(services) == {frozenset({"services.gateway.pages", "services.gateway.views"})}


def test_positional_optional_rpc_arguments_are_found(tmp_path):
    services = tmp_path / "services"
    for package in ("", "gateway", "prices"):
        (services / package).mkdir(exist_ok=True)
        (services / package / "__init__.py").write_text("")
    (services / "prices" / "service.py").write_text(
        "class PricesService:\n    @rpc\n    def board(self, region_code, day=None, market=None):\n"
        "        pass\n")
    (services / "gateway" / "prices_api.py").write_text(
        "def board(self, code):\n    call(self.prices.board, code, None, 'pasar-anyar')\n"
        "    call(self.prices.board, code, market='pasar-anyar')\n")
    assert positional_optionals(services) == {("services.gateway.prices_api", 2, "prices.board", "day"),
                                              ("services.gateway.prices_api", 2, "prices.board", "market")}
