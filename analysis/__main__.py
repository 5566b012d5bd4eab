from analysis.cli import app

app(prog_name="framing")
