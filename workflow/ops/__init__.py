"""What the person who operates convflow needs: logs, health, metrics and the doctor's checks."""
