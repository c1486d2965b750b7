// placeholder; replaced below
print("ok")
