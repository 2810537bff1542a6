#!/usr/bin/env python3
"""Fails when the dependency manifests and the CMake files disagree.

Every external package the CMake files look for (find_package, pkg_check_modules,
pkg_search_module, find_library, find_path) must map, through DEPENDENCIES below, to a port of
vcpkg.json (the one manifest the Windows and macOS workflows build from) with the features it
needs; every port of vcpkg.json must be needed by some CMake call. Both workflows must build from
that manifest at its builtin-baseline, with an overlay triplet that exists, and take no library
from Homebrew or Chocolatey. README's "### macOS" and "### Windows" sections must repeat the
workflows' commands line for line. Runs in well under a second, offline.

Usage: scripts/check-dependency-manifests.py [REPO_ROOT]"""
import json
import os
import pathlib
import re
import sys

# What each CMake lookup needs from vcpkg: (port, features), or None for what the system or the
# compiler provides everywhere, or for a Linux-only library that the manifest leaves out.
# Keys: 'Qt6::<Component>', '<Package>' (find_package), 'pkg:<module>', 'lib:<name>',
# 'header:<file>'.
DEPENDENCIES = {
    'Threads': None,
    'PkgConfig': ('pkgconf', ()),
    'Qt6::Core': ('qtbase', ()),
    'Qt6::Gui': ('qtbase', ('gui',)),
    'Qt6::Widgets': ('qtbase', ('widgets',)),
    'Qt6::Network': ('qtbase', ('network',)),
    'Qt6::Concurrent': ('qtbase', ('concurrent',)),
    'Qt6::Test': ('qtbase', ('testlib',)),
    'Qt6::Charts': ('qtcharts', ()),
    'Qt6::Svg': ('qtsvg', ()),
    'Qt6::HttpServer': ('qthttpserver', ()),
    # lupdate and lrelease (resources/CMakeLists.txt), build tools only.
    'Qt6::LinguistTools': ('qttools', ('linguist',)),
    'Qt6Keychain': ('qtkeychain-qt6', ()),
    'PostgreSQL': ('libpq', ()),
    'OpenSSL': ('openssl', ()),
    'lib:stemmer': ('libstemmer', ()),
    'header:libstemmer.h': ('libstemmer', ()),
    'pkg:poppler-qt6': ('poppler', ('qt',)),
    'pkg:tesseract': ('tesseract', ()),
    'pkg:uchardet': ('uchardet', ()),
    'pkg:libcmark': ('cmark', ()),
    'pkg:gumbo': ('gumbo', ()),
    'QuaZip-Qt6': ('quazip', ()),
    'lib:magic': ('libmagic', ()),
    'header:magic.h': ('libmagic', ()),
    'Eigen3': ('eigen3', ()),
    # io_uring: core/diskann asks for it on Linux only, where the system provides it.
    'pkg:liburing': None,
}

# The only things the macOS workflow may take from Homebrew: tools that build the ports (autotools
# for libmagic and ICU), Ninja, and GNU coreutils for scripts/fetch-model.sh.
BREW_BUILD_TOOLS = {'autoconf', 'autoconf-archive', 'automake', 'libtool', 'ninja', 'coreutils'}

CALL = re.compile(r'\b(find_package|pkg_check_modules|pkg_search_module|find_library|find_path)'
                  r'\s*\(([^)]*)\)', re.IGNORECASE)
FIND_PACKAGE_KEYWORDS = {'EXACT', 'QUIET', 'MODULE', 'CONFIG', 'NO_MODULE', 'REQUIRED',
                         'GLOBAL', 'NO_POLICY_SCOPE', 'BYPASS_PROVIDER', 'COMPONENTS',
                         'OPTIONAL_COMPONENTS'}
PKG_KEYWORDS = {'REQUIRED', 'QUIET', 'NO_CMAKE_PATH', 'NO_CMAKE_ENVIRONMENT_PATH',
                'IMPORTED_TARGET', 'GLOBAL', 'STATIC'}


def strip_comments(text):
    return '\n'.join(line.split('#', 1)[0] for line in text.splitlines())


def lookups(args_text, command):
    """The DEPENDENCIES keys one CMake call asks for."""
    args = args_text.split()
    command = command.lower()
    if not args:
        return []
    if command == 'find_package':
        name, rest = args[0], args[1:]
        if name != 'Qt6':
            return [name]
        return [f'Qt6::{a}' for a in rest
                if a not in FIND_PACKAGE_KEYWORDS and not re.fullmatch(r'[0-9.]+', a)]
    if command in ('pkg_check_modules', 'pkg_search_module'):
        return [f'pkg:{re.split(r"[<>=]", a)[0]}' for a in args[1:] if a not in PKG_KEYWORDS]
    # find_library / find_path: the names after the variable (or after NAMES), up to the first
    # keyword; every name of one call must map to the same port, so the first one stands for it.
    names = args[1:]
    if names and names[0] == 'NAMES':
        names = names[1:]
    prefix = 'lib:' if command == 'find_library' else 'header:'
    return [prefix + names[0]] if names else []


def cmake_lookups(root):
    found = {}
    for folder, subfolders, files in os.walk(root):
        # Build trees and hidden folders (.git, the model cache) hold no project CMake files.
        subfolders[:] = sorted(d for d in subfolders if not d.startswith(('build', '.')))
        for name in sorted(files):
            if name != 'CMakeLists.txt' and not name.endswith('.cmake'):
                continue
            path = pathlib.Path(folder) / name
            text = strip_comments(path.read_text(encoding='utf-8', errors='replace'))
            for match in CALL.finditer(text):
                for key in lookups(match.group(2), match.group(1)):
                    found.setdefault(key, []).append(str(path.relative_to(root)))
    return found


def manifest_ports(manifest):
    ports = {}
    for dep in manifest.get('dependencies', []):
        if isinstance(dep, str):
            ports[dep] = set()
        else:
            ports[dep['name']] = {f if isinstance(f, str) else f['name']
                                  for f in dep.get('features', [])}
    return ports


def workflow_text(root, name):
    path = root / '.github' / 'workflows' / name
    return path.read_text(encoding='utf-8') if path.exists() else ''


def readme_section(readme, title):
    match = re.search(rf'^### {re.escape(title)}\n(.*?)(?=^#{{2,3}} )', readme, re.M | re.S)
    return match.group(1) if match else None


def check_workflow(name, text, manifest, root, errors):
    if not text:
        errors.append(f'.github/workflows/{name} is missing')
        return
    baseline = manifest.get('builtin-baseline', '')
    if 'scripts/buildsystems/vcpkg.cmake' not in text:
        errors.append(f'{name}: does not configure with vcpkg\'s toolchain (manifest mode)')
    commits = set(re.findall(r'checkout ([0-9a-f]{40})', text))
    if commits != {baseline}:
        errors.append(f'{name}: checks out vcpkg at {sorted(commits) or "no commit"}, but '
                      f'vcpkg.json\'s builtin-baseline is {baseline}')
    overlays = manifest.get('vcpkg-configuration', {}).get('overlay-triplets', [])
    named = re.findall(r'\b(?:x64|arm64)-(?:windows|osx)[a-z-]*', text)
    for triplet in {t.rstrip('-') for t in named}:  # a cache key goes on after a hyphen
        if not any((root / d / f'{triplet}.cmake').exists() for d in overlays):
            errors.append(f'{name}: triplet {triplet} is not one of the overlay triplets in '
                          f'{overlays}')
    for line in re.findall(r'brew install ([^\n]*)', text):
        extra = set(line.split()) - BREW_BUILD_TOOLS
        if extra:
            errors.append(f'{name}: installs {sorted(extra)} from Homebrew; libraries come from '
                          f'vcpkg.json (build tools allowed: {sorted(BREW_BUILD_TOOLS)})')
    if re.search(r'choco install (?!nsis)', text):
        errors.append(f'{name}: installs something from Chocolatey; libraries come from vcpkg.json')


def check_readme(title, workflow, text, errors):
    section = readme_section(text, title)
    if section is None:
        errors.append(f'README.md: no "### {title}" section')
        return
    blocks = re.findall(r'```[a-z]*\n(.*?)```', section, re.S)
    if not blocks:
        errors.append(f'README.md "### {title}": no commands')
    # A one-line step reads `run: <command>`.
    workflow_lines = {re.sub(r'^(- )?run: ', '', line.strip()) for line in workflow.splitlines()}
    workflow_env = set(re.findall(r'^\s+([A-Z_][A-Z0-9_]*):', workflow, re.M))
    for line in (line.strip() for block in blocks for line in block.splitlines()):
        if not line or line.startswith('#'):
            continue
        # Settings the workflow makes in its env: block rather than as a command.
        setting = re.match(r'^(?:export\s+|\$env:)?([A-Z_][A-Z0-9_]*)\s*=', line)
        if setting and setting.group(1) in workflow_env:
            continue
        if line not in workflow_lines:
            errors.append(f'README.md "### {title}": `{line}` is not a line of the workflow')


def main():
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else
                        pathlib.Path(__file__).resolve().parent.parent)
    errors = []
    manifest = json.loads((root / 'vcpkg.json').read_text(encoding='utf-8'))
    ports = manifest_ports(manifest)
    found = cmake_lookups(root)

    needed = {}
    for key, places in sorted(found.items()):
        if key not in DEPENDENCIES:
            errors.append(f'{key} ({", ".join(sorted(set(places)))}): not in the table of '
                          f'scripts/check-dependency-manifests.py; add it there and to vcpkg.json')
            continue
        if DEPENDENCIES[key] is None:
            continue
        port, features = DEPENDENCIES[key]
        needed.setdefault(port, set()).update(features)
        if port not in ports:
            errors.append(f'{key} ({", ".join(sorted(set(places)))}): vcpkg.json lacks the port '
                          f'"{port}"')
        elif not set(features) <= ports[port]:
            errors.append(f'{key}: vcpkg.json\'s "{port}" lacks the features '
                          f'{sorted(set(features) - ports[port])}')
    for port in sorted(set(ports) - set(needed)):
        errors.append(f'vcpkg.json: "{port}" has no CMake lookup that needs it; remove it or add '
                      f'the lookup')
    for override in manifest.get('overrides', []):
        if override['name'] not in ports:
            errors.append(f'vcpkg.json: override of "{override["name"]}", which is no dependency')
    if not re.fullmatch(r'[0-9a-f]{40}', manifest.get('builtin-baseline', '')):
        errors.append('vcpkg.json: builtin-baseline must be a vcpkg commit id')

    windows = workflow_text(root, 'windows.yml')
    macos = workflow_text(root, 'macos.yml')
    check_workflow('windows.yml', windows, manifest, root, errors)
    check_workflow('macos.yml', macos, manifest, root, errors)
    readme = (root / 'README.md').read_text(encoding='utf-8')
    check_readme('macOS', macos, readme, errors)
    check_readme('Windows', windows, readme, errors)

    if errors:
        print('check-dependency-manifests: the manifests and the CMake files disagree:')
        print('\n'.join(f'  {e}' for e in errors))
        return 1
    print(f'check-dependency-manifests: vcpkg.json, both workflows and README agree with the '
          f'{len(found)} package lookups of the CMake files')
    return 0


if __name__ == '__main__':
    sys.exit(main())
