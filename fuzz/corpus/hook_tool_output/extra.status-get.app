{"application-status":{"message":"","status":"active","status-data":{},"units":{"app/0":{"message":"","status":"active","status-data":{}}}}}
