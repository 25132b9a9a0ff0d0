"""`python -m workflow.cli`: the `convflow` command (`python -X importtime -m workflow.cli`)."""

from workflow.cli import main

main()
