# Outcome: a list that grows slowly past the limit ends as oom, not as a timeout.
# want status=oom
# timeout 60
chunks = []
while True:
    chunks.append(bytearray(1 << 20))
