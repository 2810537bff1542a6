#!/usr/bin/env python3
"""Fails when a file of core/ includes a POSIX- or Linux-only header outside a platform guard.

Quiver's core builds on Linux, macOS and Windows: a POSIX header (unistd.h, fcntl.h, sys/*,
linux/*, ...) may appear only inside a preprocessor block whose condition names the platform
(Q_OS_UNIX, Q_OS_LINUX, __linux__, _WIN32, __APPLE__, ...), or in a platform file: one whose name
ends in _posix, _linux, _unix or _mac, which CMake compiles only there."""
import pathlib
import re
import sys

POSIX = re.compile(r'#\s*include\s*<((unistd|fcntl|poll|signal|pthread|dlfcn|termios|pwd|grp|'
                   r'spawn|sched|syslog|netdb)\.h|(sys|linux|arpa|netinet)/[^>]+|liburing\.h)>')
GUARD = re.compile(r'Q_OS_|__linux__|_WIN32|__APPLE__|__unix__|__FreeBSD__|_POSIX|__GLIBC__|'
                   r'QUIVER_HAVE_')
PLATFORM_FILE = re.compile(r'_(posix|linux|unix|mac|uring)\.(cpp|h)$|^uring_')


def offenders(path):
    stack = []  # one entry per open #if: does its condition name a platform?
    for number, line in enumerate(path.read_text(errors='replace').splitlines(), 1):
        s = line.strip()
        if re.match(r'#\s*if', s):
            stack.append(bool(GUARD.search(s)))
        elif re.match(r'#\s*(elif|else)', s) and stack:
            # The other branch of a platform test is still platform-specific.
            stack[-1] = stack[-1] or bool(GUARD.search(s))
        elif re.match(r'#\s*endif', s) and stack:
            stack.pop()
        elif POSIX.search(s) and not any(stack):
            yield number, s


def main():
    root = pathlib.Path(__file__).resolve().parent.parent / 'core'
    bad = []
    for path in sorted(root.rglob('*')):
        if path.suffix not in ('.cpp', '.h') or PLATFORM_FILE.search(path.name):
            continue
        for number, text in offenders(path):
            bad.append(f'{path.relative_to(root.parent)}:{number}: {text}')
    if bad:
        print('POSIX-only headers outside a platform guard or platform file:')
        print('\n'.join(bad))
        return 1
    print('check-portability: core/ keeps POSIX-only headers behind platform guards')
    return 0


if __name__ == '__main__':
    sys.exit(main())
