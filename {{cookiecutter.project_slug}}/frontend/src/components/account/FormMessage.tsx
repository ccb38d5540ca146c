/** A form's outcome: an error is announced at once (alert), a success politely (status). */
export function FormError({ message }: { message: string | null }) {
  return message === null ? null : (
    <p role="alert" className="error">
      {message}
    </p>
  );
}
