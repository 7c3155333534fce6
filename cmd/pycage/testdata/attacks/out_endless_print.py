# Outcome: endless print is stopped at the hard output limit; output is capped and flagged.
# want stderr_contains=hard output limit
# want status=output_limit
# want truncated=true
# timeout 60
while True:
    print("spam " * 20)
