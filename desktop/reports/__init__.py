"""Excel workbooks (openpyxl): one function per report, rows streamed, made for people to read and print."""
