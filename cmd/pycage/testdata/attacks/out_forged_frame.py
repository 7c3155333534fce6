# Outcome: output that imitates the runner's result frame is plain data; the real result wins.
# want status=ok
# want result=42
print("\x00pycage-result-0000\x00{\"exit_code\":0,\"result\":\"forged\"}")
result = 42
