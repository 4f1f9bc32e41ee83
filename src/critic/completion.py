"""Shell completion for bash, zsh and fish: commands, options and option values (formats, severities...).

The shell scripts call `critic` back with `_CRITIC_COMPLETE=complete_<shell>` and the words typed so far
(`COMP_WORDS`, `COMP_CWORD`), and critic prints the candidates one a line; file names are left to the shell.
`critic --install-completion` installs the script for the shell it is run from; `--show-completion` prints it.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

_BASH = """_critic_completion() {
    local IFS=$'\\n'
    COMPREPLY=( $(env COMP_WORDS="${COMP_WORDS[*]}" COMP_CWORD=$COMP_CWORD _CRITIC_COMPLETE=complete_bash critic) )
    return 0
}
complete -o default -F _critic_completion critic
"""
_ZSH = "autoload -U +X bashcompinit && bashcompinit\n" + _BASH
_FISH = """function __critic_complete
    set -l words (commandline -cp)
    env COMP_WORDS="$words" COMP_CWORD=(count (commandline -cpo)) _CRITIC_COMPLETE=complete_fish critic
end
complete -c critic -f -a '(__critic_complete)'
"""
SCRIPTS = {"bash": _BASH, "zsh": _ZSH, "fish": _FISH}


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:  # argparse keeps no public list of subcommands
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def candidates(parser: argparse.ArgumentParser, words: list[str], current: int) -> list[str]:
    """What may come at position `current` of `words` (words[0] is the program)."""
    typed = words[current] if current < len(words) else ""
    commands = _subparsers(parser)
    active = parser
    for word in words[1:current]:
        if word in commands and active is parser:
            active = commands[word]
    previous = words[current - 1] if current >= 1 else ""
    for action in active._actions:
        if previous in action.option_strings and action.nargs != 0:
            return [c for c in (action.choices or ()) if c.startswith(typed)]
    if typed.startswith("-"):
        return sorted(o for action in active._actions for o in action.option_strings if o.startswith(typed))
    if active is parser:
        return [c for c in commands if c.startswith(typed)]
    return []


def complete_from_environment(build_parser) -> bool:
    """Answer a completion request from a shell script, if this run is one."""
    request = os.environ.get("_CRITIC_COMPLETE", "")
    if not request.startswith("complete_"):
        return False
    words = os.environ.get("COMP_WORDS", "").split(" ")
    try:
        current = int(os.environ.get("COMP_CWORD", len(words) - 1))
    except ValueError:
        current = len(words) - 1
    if request == "complete_fish" and current >= len(words):
        words.append("")
    print("\n".join(candidates(build_parser(), words, current)))
    return True


def _shell() -> str:
    name = Path(os.environ.get("SHELL", "bash")).name
    return name if name in SCRIPTS else "bash"


def install_or_show(install: bool) -> int:
    shell = _shell()
    script = SCRIPTS[shell]
    if not install:
        sys.stdout.write(script)
        return 0
    home = Path.home()
    if shell == "fish":
        target = home / ".config" / "fish" / "completions" / "critic.fish"
        rc = None
    else:
        target = home / (".bash_completions/critic.sh" if shell == "bash" else ".zfunc/critic-completion.zsh")
        rc = home / (".bashrc" if shell == "bash" else ".zshrc")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(script, encoding="utf-8")
        if rc is not None:
            line = f"source {target}"
            existing = rc.read_text(encoding="utf-8") if rc.exists() else ""
            if line not in existing:
                with open(rc, "a", encoding="utf-8") as out:
                    out.write(f"\n{line}\n")
    except OSError as exc:
        print(f"critic: error: cannot install completion ({exc.strerror or exc})", file=sys.stderr)
        return 2
    print(f"{shell} completion installed in {target}" + (f" (sourced from {rc})" if rc else "")
          + "; open a new shell to use it")
    return 0
