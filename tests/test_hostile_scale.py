"""Issue 10, scale: the JSON report is streamed (each bullet written as it is serialised, never one giant dict
or string; 200k bullets took 3 GB), with exactly the bytes json.dumps(indent=2) gave. The time and peak memory
at 200k bullets are measured by benchmarks/scale.py, not asserted here."""

from __future__ import annotations

import io
import json

from critic import review_text
from critic.models import BulletResult
from critic.report import ReportContext, write
from critic.report.json_report import as_dict

from .conftest import run_critic


def documents():
    text = "# Impact\n\n" + "".join(f"- Cut churn {i}% for “enterprise” tenants — made sure every release passed "
                                    f"review\n" for i in range(50))
    return [review_text(text, path="a.md"), review_text("", path="empty.md"),
            review_text("- Eliminated all risk\n", path="b.md")]


def test_the_json_report_is_written_bullet_by_bullet(monkeypatch):
    serialised = []
    real = BulletResult.to_dict
    monkeypatch.setattr(BulletResult, "to_dict", lambda self: serialised.append(1) or real(self))

    class Recorder(io.StringIO):
        writes: list[int] = []

        def write(self, text):
            self.writes.append(len(serialised))  # bullets serialised when this piece was written
            return super().write(text)

    stream = Recorder()
    write("json", documents(), ReportContext(), stream)
    assert len(serialised) == 51
    assert stream.writes[0] == 0 and len(set(stream.writes)) > 50  # written as it goes, not at the end
    monkeypatch.setattr(BulletResult, "to_dict", real)
    assert stream.getvalue() == json.dumps(as_dict(documents(), ReportContext()), indent=2,
                                           ensure_ascii=False) + "\n"


def test_the_streamed_command_output_is_the_documented_json(tmp_path):
    path = tmp_path / "d.md"
    path.write_text("- Made sure every release passed the launch review\n- Cut churn 3%\n", encoding="utf-8")
    out = tmp_path / "r.json"
    to_file = run_critic("review", str(path), "--format", "json", "-o", str(out))
    to_stdout = run_critic("review", str(path), "--format", "json")
    assert to_file.returncode == to_stdout.returncode == 1
    assert out.read_text(encoding="utf-8") == to_stdout.stdout
    data = json.loads(to_stdout.stdout)
    assert data["summary"]["bullets"] == 2 and len(data["files"][0]["bullets"]) == 2
