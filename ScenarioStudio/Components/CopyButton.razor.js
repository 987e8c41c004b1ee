// Copies text to the clipboard. The Clipboard API exists only in secure contexts (HTTPS or localhost): elsewhere the
// caller is told so and asks the person to select and copy by hand.
export async function copy(text) {
    if (!navigator.clipboard) return false;
    try {
        await navigator.clipboard.writeText(text);
        return true;
    } catch {
        return false;
    }
}
