"""Judging a Setup's shell lines without running them: which ones would write a file.

A scenario's Setup is parsed, never executed. A line that writes a file other
than through a `cat > FILE <<'EOF'` heredoc (a redirection, `tee`, `cp`,
`ln -s`, `mv`, `curl -o`...) would make the run folder differ from what the
shell makes, so the format refuses it; these functions find such lines.
"""

from __future__ import annotations

import shlex

# Commands that write, copy, link, move or fetch files: refused in a Setup, never ignored.
_FILE_COMMANDS = frozenset(
    (
        *("tee", "cp", "mv", "ln", "install", "dd", "rsync", "scp", "curl", "wget"),
        *("touch", "truncate", "rm", "unlink", "mkfifo", "mknod", "chmod", "chown"),
        *("sed", "awk", "perl", "python", "python3", "sh", "bash", "zsh"),
        *("tar", "unzip", "git", "patch"),
    )
)
_PREFIXES = frozenset(("sudo", "env", "command", "exec", "nohup", "time", "xargs"))
_SEPARATORS = frozenset(("|", "||", "&&", ";", "&", "(", ")", "|&"))


def _tokens(text: str) -> list[str]:
    try:
        lexer = shlex.shlex(text, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        return list(lexer)
    except ValueError:  # unbalanced quotes: not a command we could judge
        return []


def writes_a_file(text: str) -> bool:
    """Whether a shell line redirects output into a file (other than a heredoc head)."""
    return any(token in (">", ">>", ">|", "&>") for token in _tokens(text))


def file_command(text: str) -> str | None:
    """Find the first command on a shell line that creates, copies, links or moves a file."""
    at_command = True
    for token in _tokens(text):
        if token in _SEPARATORS:
            at_command = True
        elif at_command and token in _PREFIXES:
            continue
        elif at_command:
            if token.rsplit("/", 1)[-1] in _FILE_COMMANDS:
                return token
            at_command = False
    return None
