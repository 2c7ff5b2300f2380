// Errors the endpoint answers with, in the shape OpenAI clients parse ({ error: { message, type, code } }).

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: 'invalid_request_error' | 'authentication_error' | 'rate_limit_error' | 'server_error',
    readonly code: string,
    message: string,
    readonly param: string | null = null,
  ) {
    super(message);
  }

  body(): object {
    return { error: { message: this.message, type: this.type, code: this.code, param: this.param } };
  }
}

export function invalidRequest(message: string, param: string | null = null, code = 'invalid_value'): ApiError {
  return new ApiError(400, 'invalid_request_error', code, message, param);
}
