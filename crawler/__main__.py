from crawler.app.cli import cli

cli()
