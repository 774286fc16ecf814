"""Score `secbot ask` on a question set: the shared dev format, extended.

    python benchmarks/question_quality.py FILE.json [-v]

FILE is a list of questions (the format of /work/shared/eval/dev_questions.json), or
{"setup": [[ARG, ...], ...], "questions": [...]}: each setup list is run once, in order, as
`$SECBOT ARG ...` before the questions. SECBOT (default .venv/bin/secbot) is the command;
SECBOT_DATABASE_URL, given by the caller, should name a fresh database.

Each question runs as `secbot ask --json --now NOW [--conversation NAME-RUN] Q`. Items with the
same "conversation" are asked in file order in one conversation (RUN is new for every run).
Meeting labels are those of check_questions.py ("City YYYY-MM-DD", "City YYYY-MM",
"City START/END", "online YYYY-MM-DD", "INC7"). Checks, all optional:
  top              the first meeting is that label, and at most 3 meetings are listed
  must, allowed    every `must` label is listed, and nothing outside must + allowed
  empty            no meeting is listed (suggestions do not count)
  text             every string occurs in the text (case-insensitive); "a|b" accepts either
  text_not         no alternative of any string occurs in the text
  deadlines_must   "KIND YYYY-MM-DD" (the deadline's kind and due_date); every label is in
  deadlines_allowed  the answer's `deadlines`, and nothing outside deadlines_must + _allowed
  deadlines_empty  the answer's `deadlines` is empty
  suggest          every label ("a|b": either) is in the answer's `suggestions` list (meeting
                   objects like those of `meetings`); a missing `suggestions` key fails
  refused          the text says why: one of past, already, was held, has passed, took place
Prints each failure with its reasons when -v, and last `questions PASSED/TOTAL`.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import unicodedata
import uuid

REFUSAL = "past|already|was held|has passed|took place"


def norm(s):
    s = unicodedata.normalize("NFKD", s or "")
    return "".join(c for c in s if not unicodedata.combining(c)).casefold().strip()


def matches(label, m):  # as in /work/shared/eval/check_questions.py
    if label == "INC7":
        short = norm(m.get("short_name")).replace(" ", "").replace(".", "").replace("-", "")
        return short == "inc7" or (m.get("country") or "").upper() == "JO"
    place, _, date = label.rpartition(" ")
    date, _, end = date.partition("/")
    if not str(m.get("start") or "").startswith(date):
        return False
    if end and not str(m.get("end") or "").startswith(end):
        return False
    if place == "online":
        return bool(m.get("online")) or not m.get("city")
    return norm(m.get("city")) == norm(place)


def deadline_matches(label, d):
    kind, _, due = label.rpartition(" ")
    return norm(d.get("kind")) == norm(kind) and str(d.get("due_date") or "") == due


def listed(must, allowed, items, match, show):
    why = [f"missing {label}" for label in must if not any(match(label, i) for i in items)]
    why += [f"unexpected {show(i)}" for i in items if not any(match(x, i) for x in must + allowed)]
    return why


def show_meeting(m):
    place = m.get("city") or ("online" if m.get("online") else m.get("short_name") or m.get("id"))
    return (place, m.get("start"))


def show_deadline(d):
    return f"{d.get('kind')} {d.get('due_date')} ({d.get('meeting_id')})"


def judge(q, answer):
    meetings = answer.get("meetings") or []
    deadlines = answer.get("deadlines") or []
    text = norm(answer.get("text"))
    why = []
    for s in q.get("text", []):
        if not any(norm(a) in text for a in s.split("|")):
            why.append(f"text lacks {s!r}")
    for s in q.get("text_not", []):
        why += [f"text has {a!r}" for a in s.split("|") if norm(a) in text]
    if q.get("refused") and not any(a in text for a in REFUSAL.split("|")):
        why.append(f"not refused with a reason ({REFUSAL})")
    if q.get("empty") and meetings:
        why.append(f"expected no meetings, got {[show_meeting(m) for m in meetings]}")
    if "top" in q:
        if not meetings or not matches(q["top"], meetings[0]):
            why.append(f"first should be {q['top']}, got {meetings and show_meeting(meetings[0])}")
        elif len(meetings) > 3:
            why.append(f"{len(meetings)} meetings listed for a single answer")
    if "must" in q:
        why += listed(q["must"], q.get("allowed", []), meetings, matches, show_meeting)
    if "deadlines_must" in q:
        must, allowed = q["deadlines_must"], q.get("deadlines_allowed", [])
        why += listed(must, allowed, deadlines, deadline_matches, show_deadline)
    if q.get("deadlines_empty") and deadlines:
        why.append(f"expected no deadlines, got {[show_deadline(d) for d in deadlines]}")
    if "suggest" in q:
        if "suggestions" not in answer:
            why.append("answer has no `suggestions`")
        else:
            got = answer["suggestions"] or []
            for label in q["suggest"]:
                if not any(matches(a, m) for a in label.split("|") for m in got):
                    why.append(f"not suggested: {label} (got {[show_meeting(m) for m in got]})")
    return why


def run(cmd, args):
    try:
        out = subprocess.run(cmd + args, capture_output=True, text=True, timeout=120)
    except subprocess.TimeoutExpired:
        return None, "timed out"
    if out.returncode != 0:
        err = out.stderr.strip()
        if "No such option" in err and "--conversation" in err:
            return None, "secbot ask has no --conversation option"
        return None, f"exit {out.returncode}: {err[-300:]}"
    return out.stdout, None


def ask(cmd, q, run_id):
    args = ["ask", "--json", "--now", q["now"]]
    if q.get("conversation"):
        args += ["--conversation", f"{q['conversation']}-{run_id}"]
    stdout, err = run(cmd, [*args, q["q"]])
    if err:
        return None, err
    try:
        return json.loads(stdout), None
    except json.JSONDecodeError as e:
        return None, f"not JSON: {e}: {stdout[:200]!r}"


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    verbose = "-v" in sys.argv[2:]
    cmd = shlex.split(os.environ.get("SECBOT", ".venv/bin/secbot"))
    with open(sys.argv[1], encoding="utf-8") as f:
        data = json.load(f)
    if isinstance(data, list):
        data = {"questions": data}
    if data.get("setup") and not os.environ.get("SECBOT_DATABASE_URL"):
        sys.exit("this set has setup steps: set SECBOT_DATABASE_URL to a fresh database")
    for args in data.get("setup", []):
        _, err = run(cmd, args)
        if err:
            sys.exit(f"setup {shlex.join(args)} failed (is the database fresh?): {err}")
    run_id = uuid.uuid4().hex[:8]
    questions = data["questions"]
    passed = 0
    for q in questions:
        answer, err = ask(cmd, q, run_id)
        why = [err] if err else judge(q, answer)
        if not why:
            passed += 1
        elif verbose:
            conv = f" ({q['conversation']})" if q.get("conversation") else ""
            print(f"FAIL [{q['now']}]{conv} {q['q']}: {'; '.join(why)}")
    print(f"questions {passed}/{len(questions)}")


if __name__ == "__main__":
    main()
